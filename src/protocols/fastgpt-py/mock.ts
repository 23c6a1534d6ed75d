import { z } from 'zod';
import { isRecord } from '../../core/schemas.js';
import type { MockExchange, MockRoute, Refusal } from '../../mock/exchange.js';
import type { ScenarioFrame } from '../../mock/scenario.js';
import { BoundedStore, scriptReader, stateOf } from '../../mock/state.js';
import { STAGES } from './rules/index.js';
import { requestStreamQuery } from './rules/request.js';
import { asksStream, queryFlag } from './stream-flag.js';

const Turn = z
  .object({
    stageCode: z.string().describe('The stage this turn moves to (four digits; faults may break that).'),
    stageName: z.string().optional().describe("Defaults to the document's name for the code."),
    text: z.array(z.string()).default([]).describe('The answer, fragment by fragment.'),
    error: z.object({ msg: z.string(), code: z.string().optional() }).strict().optional().describe('This turn fails instead.'),
  })
  .strict();

/** A scripted call: each request on a sessionId plays the next turn (the last one repeats). */
export const FastgptPyScript = z
  .object({
    delayMs: z.number().int().min(0).max(60_000).default(30),
    turns: z.array(Turn).min(1),
    faults: z.array(z.enum(['no-done', 'text-after-done', 'stream-as-json'])).default([]),
  })
  .strict();
type FastgptPyScript = z.output<typeof FastgptPyScript>;
type Turn = z.output<typeof Turn>;

const scriptOf = scriptReader(FastgptPyScript);

/** Where each session is in its conversation, by sessionId. */
class Sessions {
  readonly turns = new BoundedStore<number>({ sizeOf: () => 8 });
}

/** A FastAPI-style validation error, as a Python service answers a bad body. */
export function refuse(exchange: MockExchange, refusal: Refusal): void {
  exchange.json(refusal.status, { detail: [{ loc: ['body'], msg: refusal.message, type: 'value_error' }] });
}

const stageName = (turn: Turn): string => turn.stageName ?? STAGES[turn.stageCode] ?? '';

function streamFrames(turn: Turn, script: FastgptPyScript): ScenarioFrame[] {
  const delayMs = script.delayMs;
  if (turn.error !== undefined) return [{ delayMs, event: 'error', data: turn.error }];
  const frames: ScenarioFrame[] = [{ delayMs, event: 'stage_code', data: { nextStageCode: turn.stageCode, nextStage: stageName(turn) } }];
  for (const text of turn.text) frames.push({ delayMs, event: 'text_delta', data: { text } });
  if (!script.faults.includes('no-done')) frames.push({ delayMs, event: 'done', data: { status: 'completed' } });
  if (script.faults.includes('text-after-done')) frames.push({ delayMs, event: 'text_delta', data: { text: '还有一件事。' } });
  return frames;
}

const chat: MockRoute['handle'] = async (exchange) => {
  const intake = await exchange.intake();
  if (!intake.ok) return refuse(exchange, intake.refusal);
  const { json: body } = intake;
  // A stream query parameter no bool parser reads is answered below, as FastAPI answers it.
  const problems = intake.errors.filter((problem) => problem.rule !== requestStreamQuery.id);
  if (problems.length > 0) {
    exchange.json(422, {
      detail: problems.map((problem) => ({
        loc: problem.type === 'request' && problem.pointer !== '' ? ['body', ...problem.pointer.slice(1).split('/')] : ['body'],
        msg: problem.message,
        type: problem.rule,
      })),
    });
    return;
  }
  if (!isRecord(body)) return refuse(exchange, { status: 422, message: 'the body must be a JSON object' });
  const flag = exchange.url.searchParams.get('stream');
  if (queryFlag(flag) === 'invalid') {
    // FastAPI's own answer to a bool it cannot parse.
    exchange.json(422, {
      detail: [
        { loc: ['query', 'stream'], msg: `Failed to read stream=${flag}: expected a boolean (true, false, 1, 0, yes, no, on, off)`, type: 'bool_parsing' },
      ],
    });
    return;
  }
  const script = scriptOf(exchange.scenario());
  const sessionId = String(body['sessionId']);
  const sessions = stateOf(exchange.state, Sessions);
  const index = sessions.turns.get(sessionId) ?? 0;
  sessions.turns.set(sessionId, index + 1);
  const turn = script.turns[Math.min(index, script.turns.length - 1)] as Turn;
  const stream = asksStream(flag, body);

  if (stream && !script.faults.includes('stream-as-json')) {
    await exchange.playStream({
      status: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
      lineEnding: 'lf',
      frames: streamFrames(turn, script),
      end: 'close',
      holdMs: 0,
    });
    return;
  }
  if (turn.error !== undefined) {
    await exchange.playAnswer({ delayMs: script.delayMs, status: 500, headers: { 'content-type': 'application/json' }, body: turn.error });
    return;
  }
  await exchange.playAnswer({
    delayMs: script.delayMs,
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: { sessionId, nextStageCode: turn.stageCode, nextStage: stageName(turn), text: turn.text.join('') },
  });
};

export const chatRoute: MockRoute = { method: 'POST', path: '/chat', handle: chat };
