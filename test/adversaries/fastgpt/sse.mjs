// Server-sent-events writer with the framing knobs the variants play with.
// o.eol: line ending ('\n' | '\r\n' | '\r'); o.comments: a comment line before every frame;
// o.retry: a leading `retry:` block; o.idLines: `id:` lines; o.multiline: pretty-printed JSON over
// several `data:` lines; o.split: every frame written in tiny pieces (even inside UTF-8 characters);
// o.delay: [min,max] ms pause between frames; o.oneWrite: buffer everything, send in one write.
// Faults: 'frames-not-separated' (no blank line between frames), 'stream-content-type-json'.

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const between = ([a, b]) => a + Math.floor(Math.random() * (b - a + 1));

export class Closed extends Error {}

export class Sse {
  constructor(res, o = {}) {
    this.res = res;
    this.o = o;
    this.eol = o.eol || '\n';
    this.n = 0;
    this.buf = [];
  }

  head() {
    const ct = this.o.fault === 'stream-content-type-json'
      ? 'application/json; charset=utf-8'
      : (this.o.contentType || 'text/event-stream;charset=utf-8');
    this.res.writeHead(200, {
      'Content-Type': ct,
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      'Access-Control-Allow-Origin': '*',
      ...(this.o.extraHeaders || {})
    });
    this.res.socket?.setNoDelay(true);
    if (this.o.retry) this.buf.push(`retry: ${this.o.retry}${this.eol}${this.eol}`);
  }

  render(event, data) {
    const e = this.eol;
    let t = '';
    if (this.o.comments) t += `: ${this.o.comments}${e}`;
    if (this.o.idLines) t += `id: ${++this.n}${e}`;
    if (event) t += `event: ${event}${e}`;
    let lines = [typeof data === 'string' ? data : JSON.stringify(data)];
    if (this.o.multiline && typeof data !== 'string') lines = JSON.stringify(data, null, 1).split('\n');
    for (const l of lines) t += `data: ${l}${e}`;
    if (this.o.fault !== 'frames-not-separated') t += e;
    return t;
  }

  async frame(event, data) {
    this.buf.push(this.render(event, data));
    if (this.o.oneWrite) return;
    await this.flush();
    await sleep(between(this.o.delay || [5, 15]));
  }

  async comment(text) {
    this.buf.push(`: ${text}${this.eol}`);
    if (!this.o.oneWrite) await this.flush();
  }

  async flush() {
    const text = this.buf.join('');
    this.buf = [];
    if (!text) return;
    if (this.res.destroyed || this.res.writableEnded) throw new Closed();
    if (!this.o.split) return void this.res.write(text);
    const bytes = Buffer.from(text, 'utf8');
    let i = 0;
    let count = 0;
    while (i < bytes.length) {
      const n = 1 + Math.floor(Math.random() * 7);
      this.res.write(bytes.subarray(i, i + n));
      i += n;
      if (this.res.destroyed) throw new Closed();
      await (++count % 8 === 0 ? sleep(1) : new Promise((r) => setImmediate(r)));
    }
  }

  async end({ holdOpen = false } = {}) {
    await this.flush();
    if (holdOpen) return; // keeps the response open forever (fault)
    if (!this.res.writableEnded) this.res.end();
  }
}
