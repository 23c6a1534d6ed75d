// The scenarios the mock benchmarks play, written as files the mock loads with scenarioDirs, and
// the same frames as event-stream text for the bare server: both sides send the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const scenarioDir = fileURLToPath(new URL('./.data/scenarios/ctai/', import.meta.url));
export const HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };
const TEXTS = ['2路汽车', '在火车站北广场', '乘坐，', '首班车 6:00 发车。', 'The answer goes on. '];

/** `count` ctai packets, each `delayMs` after the one before, the last a stop packet. */
function frames(count, delayMs) {
  return Array.from({ length: count }, (_, sn) => {
    const last = sn === count - 1;
    const data = { msg_id: `{{exchange}}-${sn}`, msg_sn: String(sn), event: last ? 'stop' : '', answer_text: last ? '' : TEXTS[sn % TEXTS.length] };
    if (last) Object.assign(data, { ref_doc_list: [], follow_up_list: [] });
    return { ...(delayMs > 0 ? { delayMs } : {}), id: `{{exchange}}-${sn}`, data: { ret: '0', msg: '', data } };
  });
}

/** name → frame count and delay: the throughput answer, the 100 ms stream and the 1 s stream. */
export const SCENARIOS = {
  'bench-burst': { count: 50, delayMs: 0 },
  'bench-100ms': { count: 300, delayMs: 100 },
  'bench-1s': { count: 30, delayMs: 1000 },
};

export function writeScenarios() {
  mkdirSync(scenarioDir, { recursive: true });
  for (const [name, { count, delayMs }] of Object.entries(SCENARIOS)) {
    const stream = { status: 200, headers: HEADERS, frames: frames(count, delayMs) };
    writeFileSync(`${scenarioDir}${name}.json`, JSON.stringify({ description: `Benchmark: ${count} packets, ${delayMs} ms apart.`, stream }));
  }
}

/** The frames of a scenario as the bare server writes them: text before and after each `{{exchange}}`. */
export function bareFrames(name) {
  const { count, delayMs } = SCENARIOS[name];
  return frames(count, delayMs).map((frame) => `id: ${frame.id}\ndata: ${JSON.stringify(frame.data)}\n\n`.split('{{exchange}}'));
}
