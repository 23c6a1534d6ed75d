// A fastgpt-py-like /chat service with variant switches in `o`.
import http from 'node:http';
import zlib from 'node:zlib';
import { encodeFrame, makeWriter, applyConnOpts, applyResOpts } from './fg-sse.mjs';

const STAGES = { '0000': '结束通话', '0001': '转接人工', '0002': '语义无法识别转接人工', '0003': '有人伤转接人工', '1001': '未准备好通话', '1002': '通话中', '2000': '进入单车拍照' };

export function startPy(o = {}) {
  const sessions = new Map();
  const global = [];
  const server = http.createServer(async (req, res) => {
    applyResOpts(res, o);
    const url = new URL(req.url, 'http://x');
    let raw = '';
    for await (const c of req) raw += c;
    const sendJson = (status, obj) => {
      let buf = Buffer.from(JSON.stringify(obj));
      const h = { 'Content-Type': o.jsonCT ?? 'application/json' };
      if (o.gzip && /gzip/.test(req.headers['accept-encoding'] || '')) { buf = zlib.gzipSync(buf); h['Content-Encoding'] = 'gzip'; }
      if (!o.chunkedJson) h['Content-Length'] = buf.length;
      if (o.connClose) h['Connection'] = 'close';
      res.writeHead(status, h);
      res.end(buf);
    };
    if (url.pathname !== '/chat' || req.method !== 'POST') return sendJson(404, { detail: 'Not Found' });
    let body;
    try { body = JSON.parse(raw); } catch { body = undefined; }
    const streamQ = url.searchParams.get('stream');
    let stream = streamQ === 'true' || streamQ === '1' || (!o.ignoreBodyStream && body?.stream === true);
    if (o.needAcceptHeader && !/text\/event-stream/.test(req.headers.accept || '')) stream = false;
    const valid = body && typeof body === 'object' && !Array.isArray(body) &&
      (o.acceptNoSession || typeof body.sessionId === 'string') && typeof body.timeStamp === 'string' &&
      (typeof body.text === 'string' || (o.acceptNumberText && typeof body.text === 'number'));
    if (!valid) {
      if (o.recordRefused && body?.sessionId && body?.text != null) (sessions.get(body.sessionId) ?? sessions.set(body.sessionId, []).get(body.sessionId)).push(String(body.text));
      if (stream && o.refuseAsEvent) {
        res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
        res.write(encodeFrame(o, 'error', o.errorNotJson ? 'missing field text' : o.errorNoMsg ? { message: '缺少参数', code: '400' } : { msg: '缺少参数', code: o.errorCodeNumber ? 500 : '400' }, 0));
        if (o.doneAfterError) res.write(encodeFrame(o, 'done', { status: 'completed' }, 1));
        return res.end();
      }
 return sendJson(o.refuseStatus ?? 422, o.refuseStatus === 400 || o.refuseStatus === 500 ? { msg: '缺少参数', code: String(o.refuseStatus) } : { detail: [{ loc: ['body', 'text'], msg: 'field required', type: 'value_error.missing' }] });
    }
    const sid = body.sessionId ?? 'anon';
    const hist = sessions.get(sid) ?? [];
    sessions.set(sid, hist);
    const text = String(body.text);
    hist.push(text);
    global.push(text);
    const turn = hist.length;
    let code = turn <= 2 ? '1002' : turn === 3 ? '2000' : '0000';
    if (o.unknownStage && turn === 1) code = '3001';
    let reply = `收到:${text}`;
    if (turn === 1) reply = `您好,请问发生了什么情况?(${text})`;
    if (o.leakSessions) reply += ' 历史:' + global.join('|');
    else if (o.echoHistory) reply += ' 本会话历史:' + hist.join('|');
    const stageObj = { nextStageCode: o.numericStage ? Number(code) : code, nextStage: o.wrongStageName ? '通话' : STAGES[code] ?? '未知阶段' };
    if (o.stageNoName) delete stageObj.nextStage;
    if (o.stageNoCode) delete stageObj.nextStageCode;
    if (o.stageFiveDigits) stageObj.nextStageCode = '1' + code;
    if (!stream) {
      let out = { ...stageObj, text: reply };
      if (o.answerNoText) delete out.text;
      if (o.answerArray) out = [out];
      if (o.extraFields) Object.assign(out, { sessionId: sid, elapsed: 0.12 });
      return sendJson(200, out);
    }
    const h = { 'Content-Type': o.streamCT ?? 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' };
    if (o.deflate && /deflate/.test(req.headers['accept-encoding'] || '')) h['Content-Encoding'] = 'deflate';
    else if (o.gzip && /gzip/.test(req.headers['accept-encoding'] || '')) h['Content-Encoding'] = 'gzip';
    if (o.connClose) h['Connection'] = 'close';
    res.writeHead(200, h);
    const w = makeWriter(req, res, o);
    let idx = 0;
    const ev = (name, data) => w.write(encodeFrame(o, name, data, idx++));
    if (o.keepAliveComment) w.write(': keep-alive\n\n');
    if (!o.stageLast) ev('stage_code', stageObj);
    const parts = reply.match(/.{1,4}/gsu);
    for (const p of parts) {
      if (o.rawTextDelta) w.write(encodeFrame(o, 'text_delta', p, idx++));
      else ev(o.eventNameCamel ? 'textDelta' : 'text_delta', o.extraFields ? { text: p, index: idx } : { text: p });
    }
    if (o.stageLast || o.multiStage) ev('stage_code', o.multiStage ? { nextStageCode: '1002', nextStage: '通话中' } : stageObj);
    if (o.emptyDelta) ev('text_delta', { text: '' });
    if (o.unknownEvent) ev('usage', { tokens: 12 });
    if (o.emptyEventBlock) w.write(`event: ping${o.eol ?? '\n'}${o.eol ?? '\n'}`);
    if (!o.noDone) ev(o.doneName ?? 'done', o.doneEmpty ? {} : o.doneStatusOk ? { status: 'ok' } : o.extraFields ? { status: 'completed', elapsed: 0.3 } : { status: 'completed' });
    if (o.deltaAfterDone) ev('text_delta', { text: '还有' });
    if (o.errorAfterDone) ev('error', { msg: '超时', code: '500' });
    if (o.commentAfterDone) w.write(': bye\nretry: 1000\n\n');
    if (o.keepOpen) return;
    await w.end();
  });
  applyConnOpts(server, o);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}
