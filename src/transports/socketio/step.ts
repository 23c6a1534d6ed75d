import { ExchangeCheck } from '../../core/engine.js';
import { describeError, isChatwireError } from '../../core/errors.js';
import { timeLimitOf } from '../../core/exchange.js';
import { deviationOf } from '../../core/rule.js';
import { fillJson } from '../../core/template.js';
import type { SocketProtocol } from '../../protocols/protocol.js';
import { judge, rulesFor } from '../../suite/judge.js';
import { CaseResource, type StepContext, type StepResult } from '../../suite/step.js';
import { labelOf } from '../observer.js';
import { socketConnected, socketRules } from './rules.js';
import { ConnectFailure, SocketSession } from './session.js';
import type { SocketStep } from './step-schema.js';

/** The socket a case's steps share: a follow-up turn needs the same connection. */
const caseSocket = new CaseResource<SocketSession>((session) => session.close());

/** Emits one event on the case's socket and judges every event that answers it. */
export async function runSocketStep(protocol: SocketProtocol, step: SocketStep, context: StepContext): Promise<StepResult> {
  const { index, target, vars, because, watch } = context;
  const payload = fillJson(step.payload, vars);
  const sent = step.asJson ? JSON.stringify(payload) : payload;
  const started = target.clock.now();
  let session: SocketSession;
  try {
    const open = (): Promise<SocketSession> => SocketSession.open(target);
    session = await (step.newClient ? caseSocket.reopen(context.scope, open) : caseSocket.open(context.scope, open));
    target.onHeard?.();
    if (step.bystander) await session.openBystander();
  } catch (error) {
    if (isChatwireError(error)) throw error;
    // A server that answers but will not take a Socket.IO client is a finding, not chatwire's failure.
    const end = error instanceof ConnectFailure ? error.end : 'broken';
    // No Socket.IO server at that path is most likely a --target with the wrong path prefix.
    const misconfiguration =
      error instanceof ConnectFailure && error.status === 404
        ? { misconfiguration: 'check the path prefix of --target: chatwire appends /socket.io/ to it' }
        : {};
    const deviation = deviationOf(socketConnected, {
      type: 'stream',
      end,
      message: describeError(error),
      expected: 'a Socket.IO connection',
      ...misconfiguration,
    });
    return {
      report: {
        index,
        method: `EMIT ${step.emit}`,
        url: target.baseUrl,
        expect: step.expect,
        status: null,
        frames: 0,
        end,
        ...(error instanceof ConnectFailure && error.limit !== undefined ? { timeLimit: error.limit } : {}),
        durationMs: Math.round(target.clock.now() - started),
        deviations: [deviation],
      },
    };
  }
  const request = { method: `EMIT ${step.emit}`, url: target.baseUrl, headers: { ...target.headers }, body: JSON.stringify(sent) };
  const check = new ExchangeCheck(rulesFor(protocol, step.expect, socketRules), {
    request,
    requestJson: payload,
    because,
    connectionId: session.id,
    event: step.emit,
    memory: target.memory,
  });
  const { timeoutMs, probeMs } = step;
  const limits = { ...target.limits, ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(probeMs === undefined ? {} : { firstFrameMs: probeMs }) };
  const label = labelOf(vars, index, step.expect);
  const tap = target.observer?.open({
    type: 'emit',
    url: target.baseUrl,
    headers: request.headers,
    event: step.emit,
    args: [sent],
    connection: session.id,
    label,
  });
  const judged = await judge(
    session.exchange(step.emit, [sent], { isLast: protocol.isLastFrame, isHeartbeat: protocol.isHeartbeat, limits, signal: target.signal, tap }),
    check,
    (frame) => watch.see(frame),
  );
  const report = {
    index,
    method: request.method,
    url: request.url,
    expect: step.expect,
    status: null,
    frames: judged.frames,
    end: judged.end.type,
    ...timeLimitOf(judged.end),
    durationMs: Math.round(judged.end.atMs),
    deviations: check.deviations,
  };
  if (probeMs !== undefined && judged.frames === 0 && judged.end.type === 'timeout') {
    // A feature the document only implies, and this server does not offer it: a note, not a fault.
    const window = probeMs % 1000 === 0 ? `${probeMs / 1000} s` : `${probeMs} ms`;
    return { report, notOffered: `${step.emit}: not implemented, or not answered within ${window}` };
  }
  return { report };
}
