import { ExchangeCheck } from '../../core/engine.js';
import { timeLimitOf } from '../../core/exchange.js';
import { fillTemplate } from '../../core/template.js';
import type { PollingProtocol } from '../../protocols/protocol.js';
import type { StepReport } from '../../report/model.js';
import { stepHeaders } from '../../suite/headers.js';
import { judge, rulesFor } from '../../suite/judge.js';
import type { StepContext } from '../../suite/step.js';
import { joinUrl } from '../http/request.js';
import { labelOf } from '../observer.js';
import { pollBatches } from './poll.js';
import type { PollStep } from './step-schema.js';

/** Polls a resource to its end (and past it) and judges every answer. */
export async function runPollStep(protocol: PollingProtocol, step: PollStep, context: StepContext): Promise<StepReport> {
  const { index, target, vars, watch } = context;
  const { poll } = protocol;
  const path = fillTemplate(step.path, vars);
  const headers = stepHeaders({ accept: 'application/json', ...target.headers }, step.headers, vars);
  const url = (from: number): string => joinUrl(target.baseUrl, path, { [poll.param]: String(from) });
  const request = { method: 'GET', url: url(step.from), headers, body: undefined };
  // Each poll is its own small HTTP exchange: the protocol's rules judge the series as one answer.
  const check = new ExchangeCheck(rulesFor(protocol, 'stream', []), { request, requestJson: undefined, memory: target.memory });
  const { observer } = target;
  const tap = observer?.open({ type: 'series', request, label: labelOf(vars, index, step.expect) });
  const judged = await judge(
    pollBatches({
      url,
      headers,
      limits: target.limits,
      clock: target.clock,
      start: step.from,
      intervalMs: step.intervalMs,
      cursor: poll.cursor,
      pastEnd: step.pastEnd,
      pastEndAfterMs: step.pastEndAfterMs,
      replays: step.replays,
      signal: target.signal,
      busyRetries: target.busyRetries,
      onBusy: target.onBusy,
      series: tap === undefined || observer === undefined ? undefined : { tap, observer },
    }),
    check,
    (frame) => {
      target.onHeard?.();
      watch.see(frame);
      tap?.frame(frame);
    },
  );
  tap?.end(judged.end);
  return {
    index,
    method: 'POLL',
    url: request.url,
    expect: step.expect,
    status: null,
    frames: judged.frames,
    end: judged.end.type,
    ...timeLimitOf(judged.end),
    durationMs: Math.round(judged.end.atMs),
    deviations: check.deviations,
  };
}
