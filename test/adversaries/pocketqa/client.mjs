// Small socket.io-client helpers shared by smoke.mjs and check.mjs (not used by the servers).
import { io } from 'socket.io-client';

export function connect(url, opts = {}) {
  return new Promise((resolve, reject) => {
    const s = io(url, { forceNew: true, reconnection: false, timeout: 4000, ...opts });
    s.events = [];
    s.onAny((event, ...args) => s.events.push({ event, args, t: Date.now() }));
    s.once('connect', () => resolve(s));
    s.once('connect_error', (e) => { s.close(); reject(e); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Emits `event` with `payload` and collects events until a stop + `quiet` ms, or `timeout` ms. */
export async function ask(s, payload, { event = 'CHAT_CS', timeout = 3500, quiet = 400 } = {}) {
  const from = s.events.length;
  s.emit(event, payload);
  const t0 = Date.now();
  let stopAt = null;
  while (Date.now() - t0 < timeout) {
    await sleep(20);
    const got = s.events.slice(from);
    if (stopAt === null && got.some((e) => e.args[0]?.data?.finish_reason === 'stop')) stopAt = Date.now();
    if (stopAt !== null && Date.now() - stopAt >= quiet) break;
  }
  return s.events.slice(from);
}

export function summarise(evts) {
  const data = evts.map((e) => e.args[0]?.data);
  const stops = data.filter((d) => d?.finish_reason === 'stop').length;
  const text = data.map((d) => (typeof d?.delta === 'string' ? d.delta : '')).join('');
  const names = [...new Set(evts.map((e) => e.event))].join(',');
  return { n: evts.length, stops, text, names, rooms: [...new Set(data.map((d) => d?.room))] };
}
