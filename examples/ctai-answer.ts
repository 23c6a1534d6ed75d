import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { z } from 'zod';

/**
 * An integrator's ctai client: asks one question over the streaming API and returns the answer
 * assembled from its packets, once the stop packet has come.
 */

/** One ctai packet as the document defines it (every field a string; lists on the stop packet). */
const Packet = z.object({
  ret: z.string(),
  msg: z.string().optional(),
  data: z
    .object({
      msg_sn: z.string(),
      event: z.string(),
      answer_text: z.string().optional(),
      ref_doc_list: z.array(z.unknown()).optional(),
      follow_up_list: z.array(z.unknown()).optional(),
    })
    .optional(),
});

export interface CtaiAnswer {
  readonly text: string;
  /** The citations and follow-up questions the stop packet carries for the whole answer. */
  readonly refDocs: readonly unknown[];
  readonly followUps: readonly unknown[];
  readonly packets: number;
}

/** Why no answer came: the HTTP call failed, ctai said no, or the stream broke off or made no sense. */
export type CtaiFailure = 'http' | 'refused' | 'cut' | 'malformed';

export class CtaiError extends Error {
  override readonly name = 'CtaiError';
  constructor(
    readonly kind: CtaiFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface AskCtaiOptions {
  /** The ctai server's root, e.g. `http://ctai.internal:8080`. */
  readonly baseUrl: string;
  /** Same id, same multi-turn session. */
  readonly sessionId?: string;
  /** Aborts the call and the reading of its stream. */
  readonly signal?: AbortSignal;
}

export async function askCtai(question: string, options: AskCtaiOptions): Promise<CtaiAnswer> {
  const response = await fetch(new URL('/v1/ctai/query_text_chat', options.baseUrl), {
    method: 'POST',
    // A streaming client must not ask for JSON: the answer is an event stream.
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query_text: question, stream: '1', ...(options.sessionId === undefined ? {} : { session_id: options.sessionId }) }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (!response.ok || response.body === null) throw new CtaiError('http', `ctai answered HTTP ${response.status}`);
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    throw new CtaiError('malformed', `ctai answered ${response.headers.get('content-type') ?? 'no content type'}, not an event stream`);
  }

  let text = '';
  let packets = 0;
  let stop: CtaiAnswer | undefined;
  const onEvent = (event: EventSourceMessage): void => {
    if (stop !== undefined) return;
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      throw new CtaiError('malformed', `packet ${packets} is not JSON`);
    }
    const packet = Packet.safeParse(json);
    if (!packet.success) throw new CtaiError('malformed', `packet ${packets} is not a ctai packet: ${packet.error.message}`);
    packets += 1;
    if (packet.data.ret !== '0') throw new CtaiError('refused', `ctai refused: ${packet.data.msg ?? `ret ${packet.data.ret}`}`);
    const data = packet.data.data;
    if (data?.event === 'stop') {
      stop = { text, refDocs: data.ref_doc_list ?? [], followUps: data.follow_up_list ?? [], packets };
      return;
    }
    text += data?.answer_text ?? '';
  };
  const parser = createParser({ onEvent });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    // The stop packet ends the answer, whether or not the server closes the stream after it.
    while (stop === undefined) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
  } catch (error) {
    if (error instanceof CtaiError || options.signal?.aborted === true) throw error;
    throw new CtaiError('cut', `the connection broke after ${packets} packets: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  if (stop === undefined) throw new CtaiError('cut', `the answer broke off after ${packets} packets, without its stop packet`);
  return stop;
}
