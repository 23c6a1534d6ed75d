// Servers for the run benchmark, one behaviour each, on 127.0.0.1 and port 0: one that accepts
// connections and never answers, and one per protocol that stops in the middle of its answer.
import { createServer as createTcp } from 'node:net';
import { createServer as createHttp } from 'node:http';
import { Server as SocketServer } from 'socket.io';

async function listen(server, sockets) {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${server.address().port}`;
}

function closer(server, sockets, extra = () => undefined) {
  return async () => {
    extra();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
}

/** Accepts every connection and says nothing, ever. */
export async function silent() {
  const sockets = new Set();
  const server = createTcp(() => undefined);
  return { url: await listen(server, sockets), close: closer(server, sockets) };
}

const readBody = (req) =>
  new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(body));
  });

/** A first frame of each SSE protocol's answer. */
const FIRST = {
  ctai: `id: m0\ndata: {"ret":"0","msg":"","data":{"msg_id":"m0","msg_sn":"0","event":"","answer_text":"你"}}\n\n`,
  fastgpt: `data: {"id":"","object":"","created":0,"model":"","choices":[{"delta":{"role":"assistant","content":"你"},"index":0,"finish_reason":null}]}\n\n`,
  'fastgpt-py': `event: stage_code\ndata: {"nextStageCode":"1002","nextStage":"通话中"}\n\n`,
};

/** An HTTP server that starts every answer and stops: one SSE frame, or the first bytes of a JSON body. */
export async function stallHttp(protocol) {
  const sockets = new Set();
  const server = createHttp(async (req, res) => {
    const body = await readBody(req);
    const streaming = /"stream":\s*("1"|true)/.test(body) || /[?&]stream=true/.test(req.url ?? '');
    if (streaming) res.writeHead(200, { 'content-type': 'text/event-stream' }).write(FIRST[protocol]);
    else res.writeHead(200, { 'content-type': 'application/json' }).write('{"ret":"0","data":{');
  });
  return { url: await listen(server, sockets), close: closer(server, sockets), token: 'bench', vars: { appId: 'bench-app' } };
}

/** A tasks server whose every task makes one event, then stays "running" with nothing new. */
export async function stallTasks() {
  const sockets = new Set();
  let next = 0;
  const json = (res, status, value) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  const server = createHttp(async (req, res) => {
    await readBody(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.headers.authorization !== 'Bearer bench') return json(res, 401, { detail: 'unauthorized' });
    if (path === '/api/v1/workspaces') return json(res, 200, { workspace_id: 'ws' });
    if (path.endsWith('/conversations')) return json(res, 200, { conversation_id: `c${next++}` });
    if (path.endsWith('/messages')) return json(res, 200, { task_id: `t${next++}` });
    if (path.startsWith('/api/v1/tasks/')) {
      const from = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('from') ?? 0);
      const events = from === 0 ? [{ type: 'text_chunk', data: { content: '你' } }] : [];
      return json(res, 200, { data: { status: 'running', next_offset: 1, events } });
    }
    return json(res, 404, { detail: 'not found' });
  });
  return { url: await listen(server, sockets), close: closer(server, sockets), token: 'bench' };
}

/** A Socket.IO server that answers every question with one partial CHAT_SS, then nothing. */
export async function stallSocketIo() {
  const sockets = new Set();
  const server = createHttp();
  const io = new SocketServer(server);
  io.on('connection', (socket) => {
    socket.onAny((event) => socket.emit(event.replace(/_CS$/, '_SS'), { data: { room: socket.id, delta: '你', finish_reason: null } }));
  });
  return { url: await listen(server, sockets), close: closer(server, sockets, () => io.close()) };
}
