import type { Deviation } from '../../core/rule.js';
import type { MockExchange, MockRoute, Refusal } from '../../mock/exchange.js';
import { isRecord } from '../../core/schemas.js';
import { DOC, requestAccept } from './rules/index.js';

export const CHAT_PATH = '/v1/ctai/query_text_chat';

/** The ctai way to refuse: the ret / msg envelope with ret other than "0". */
export function refuse(exchange: MockExchange, refusal: Refusal): void {
  exchange.json(refusal.status, { ret: String(refusal.status), msg: refusal.message });
}

function explain(deviation: Deviation): string {
  const where = deviation.type === 'request' && deviation.pointer !== '' ? `${deviation.pointer.slice(1)}: ` : '';
  const detail = deviation.expected === undefined ? '' : `; expected ${deviation.expected}${deviation.actual === undefined ? '' : `, got ${deviation.actual}`}`;
  return `${where}${deviation.message}${detail} (${deviation.rule}, ${DOC} ${deviation.source.section})`;
}

/**
 * A scripted packet as this request shapes it, like a real server: no citations or follow-ups when
 * they are turned off, and only the documents ctdoc_id names.
 */
function honourRequest(packet: unknown, request: unknown): unknown {
  const data = isRecord(packet) ? packet['data'] : undefined;
  if (!isRecord(packet) || !isRecord(data) || !isRecord(request)) return packet;
  const shaped: Record<string, unknown> = { ...data };
  const allowed = typeof request['ctdoc_id'] === 'string' ? new Set(request['ctdoc_id'].split(',').filter((id) => id !== '')) : undefined;
  if (Array.isArray(shaped['ref_doc_list'])) {
    if (request['enable_citation'] === '0') shaped['ref_doc_list'] = [];
    else if (allowed !== undefined && allowed.size > 0)
      shaped['ref_doc_list'] = shaped['ref_doc_list'].filter((item: unknown) => isRecord(item) && allowed.has(String(item['doc_id'])));
  }
  if (Array.isArray(shaped['follow_up_list']) && request['enable_followup'] === '0') shaped['follow_up_list'] = [];
  return { ...packet, data: shaped };
}

/** Whether honourRequest can change anything for this request; if not, the scripted frames are played as they are. */
function shapes(request: unknown): boolean {
  if (!isRecord(request)) return false;
  const ctdoc = request['ctdoc_id'];
  return request['enable_citation'] === '0' || request['enable_followup'] === '0' || (typeof ctdoc === 'string' && ctdoc.replaceAll(',', '') !== '');
}

export const chatRoute: MockRoute = {
  method: 'POST',
  path: CHAT_PATH,
  async handle(exchange) {
    const intake = await exchange.intake();
    if (!intake.ok) return refuse(exchange, intake.refusal);
    const body = intake.json;
    // A wrong Accept header is logged as the client's fault, but the answer is still served.
    const blocking = intake.errors.filter((deviation) => deviation.rule !== requestAccept.id);
    if (blocking.length > 0) {
      refuse(exchange, { status: 400, message: `Failed to accept the request: ${blocking.map(explain).join('; ')}` });
      return;
    }
    const scenario = exchange.scenario();
    const honour = (data: unknown): unknown => honourRequest(data, body);
    if (isRecord(body) && body['stream'] === '1') {
      const stream = scenario.stream ?? exchange.defaultScenario().stream;
      // The same frame objects on every request that shapes nothing: the mock encodes each only once.
      if (stream !== undefined && !shapes(body)) return exchange.playStream(stream);
      if (stream !== undefined)
        return exchange.playStream({ ...stream, frames: stream.frames.map((frame) => ('data' in frame ? { ...frame, data: honour(frame.data) } : frame)) });
    } else {
      const answer = scenario.answer ?? exchange.defaultScenario().answer;
      if (answer !== undefined) return exchange.playAnswer({ ...answer, body: honour(answer.body) });
    }
    refuse(exchange, {
      status: 500,
      message: `Failed to answer: scenario "${scenario.name}" has no ${isRecord(body) && body['stream'] === '1' ? 'stream' : 'answer'}`,
    });
  },
};
