import { timeLimitOf } from '../core/exchange.js';
import { ChatwireError } from '../core/errors.js';
import { ExchangeCheck } from '../core/engine.js';
import { fillTemplate, type TemplateVars } from '../core/template.js';
import type { Protocol } from '../protocols/protocol.js';
import type { StepReport } from '../report/model.js';
import { pollBatches } from '../transports/polling/poll.js';
import type { FrameWatch } from './expectations.js';
import { joinUrl, type HttpTarget } from './http-step.js';
import { judge, rulesFor } from './judge.js';
import { stepHeaders } from './headers.js';
import type { PollStep } from './suite.js';

/** Polls a resource to its end (and past it) and judges every answer. */
export async function runPollStep(protocol: Protocol, step: PollStep, index: number, target: HttpTarget, vars: TemplateVars, watch: FrameWatch): Promise<StepReport> {
  const poll = protocol.poll;
  if (poll === undefined) throw new ChatwireError('BAD_FILE', `Failed to run a poll step: protocol ${protocol.id} polls nothing`, { hint: 'use http steps for this protocol' });
  const path = fillTemplate(step.path, vars);
  const headers = stepHeaders({ accept: 'application/json', ...target.headers }, step.headers, vars);
  const url = (from: number): string => joinUrl(target.baseUrl, path, { [poll.param]: String(from) });
  const request = { method: 'GET', url: url(step.from), headers, body: undefined };
  const check = new ExchangeCheck(rulesFor(protocol, 'stream', []), { request, requestJson: undefined, memory: target.memory });
  const judged = await judge(
    pollBatches({ url, headers, limits: target.limits, clock: target.clock, start: step.from, intervalMs: step.intervalMs, cursor: poll.cursor, pastEnd: step.pastEnd, replays: step.replays, signal: target.signal }),
    check,
    (frame) => {
      target.onHeard?.();
      watch.see(frame);
    },
  );
  return { index, method: 'POLL', url: request.url, expect: step.expect, status: null, frames: judged.frames, end: judged.end.type, ...timeLimitOf(judged.end), durationMs: Math.round(judged.end.atMs), deviations: check.deviations };
}
