import { timeLimitOf } from '../core/exchange.js';
import { ExchangeCheck } from '../core/engine.js';
import { fillJson } from '../core/template.js';
import type { TemplateVars } from '../core/template.js';
import type { Protocol } from '../protocols/protocol.js';
import type { StepReport } from '../report/model.js';
import { socketConnected, socketRules } from '../transports/socketio/rules.js';
import { describeError, isChatwireError } from '../core/errors.js';
import { deviationOf } from '../core/rule.js';
import { ConnectFailure, SocketSession, type SocketTarget } from '../transports/socketio/session.js';
import type { FrameWatch } from './expectations.js';
import { judge, rulesFor } from './judge.js';
import type { SocketStep } from './suite.js';

/** What a case keeps open across its steps; closed when the case ends. */
export class CaseConnections {
  #socket: Promise<SocketSession> | undefined;

  socket(target: SocketTarget): Promise<SocketSession> {
    this.#socket ??= SocketSession.open(target);
    return this.#socket;
  }

  async close(): Promise<void> {
    const socket = await this.#socket?.catch(() => undefined);
    socket?.close();
  }
}

/** Emits one event on the case's socket and judges every event that answers it. */
export async function runSocketStep(
  protocol: Protocol,
  step: SocketStep,
  index: number,
  target: SocketTarget & { readonly onHeard?: (() => void) | undefined; readonly memory?: Map<string, unknown> | undefined },
  connections: CaseConnections,
  vars: TemplateVars,
  because: string | undefined,
  watch: FrameWatch,
): Promise<StepReport> {
  const payload = fillJson(step.payload, vars);
  const sent = step.asJson ? JSON.stringify(payload) : payload;
  const started = target.clock.now();
  let session: SocketSession;
  try {
    session = await connections.socket(target);
    target.onHeard?.();
    if (step.bystander) await session.openBystander();
  } catch (error) {
    if (isChatwireError(error)) throw error;
    // A server that answers but will not take a Socket.IO client is a finding, not chatwire's failure.
    const end = error instanceof ConnectFailure ? error.end : 'broken';
    // No Socket.IO server at that path is most likely a --target with the wrong path prefix.
    const misconfiguration = error instanceof ConnectFailure && error.status === 404 ? { misconfiguration: 'check the path prefix of --target: chatwire appends /socket.io/ to it' } : {};
    const deviation = deviationOf(socketConnected, { type: 'stream', end, message: describeError(error), expected: 'a Socket.IO connection', ...misconfiguration });
    return { index, method: `EMIT ${step.emit}`, url: target.baseUrl, expect: step.expect, status: null, frames: 0, end, durationMs: Math.round(target.clock.now() - started), deviations: [deviation] };
  }
  const request = { method: `EMIT ${step.emit}`, url: target.baseUrl, headers: { ...target.headers }, body: JSON.stringify(sent) };
  const check = new ExchangeCheck(rulesFor(protocol, step.expect, socketRules), { request, requestJson: payload, because, connectionId: session.id, event: step.emit, memory: target.memory });
  const isLast = protocol.isLastFrame;
  const isHeartbeat = protocol.isHeartbeat;
  const limits = step.timeoutMs === undefined && step.probeMs === undefined ? undefined : { ...target.limits, ...(step.timeoutMs === undefined ? {} : { timeoutMs: step.timeoutMs }), ...(step.probeMs === undefined ? {} : { firstFrameMs: step.probeMs }) };
  const judged = await judge(
    session.exchange(step.emit, [sent], { ...(isLast === undefined ? {} : { isLast }), ...(isHeartbeat === undefined ? {} : { isHeartbeat }), ...(limits === undefined ? {} : { limits }) }),
    check,
    (frame) => watch.see(frame),
  );
  return {
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
}
