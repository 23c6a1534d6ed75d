import { ChatwireError } from '../core/errors.js';

/**
 * Fault overlays: the same on every protocol's answers, laid over whatever scenario plays. A frame
 * is one write of the answer (an SSE event, a JSON body, a Socket.IO event); frames count from 1.
 */
type AfterFrame<K extends string> = K extends string ? { readonly kind: K; readonly after: number } : never;
type AtFrame<K extends string> = K extends string ? { readonly kind: K; readonly frame: number } : never;

export type Fault =
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'stall'; readonly after: number; readonly ms: number }
  | AfterFrame<'close' | 'reset'>
  | AtFrame<'close-mid' | 'reset-mid' | 'duplicate' | 'drop' | 'corrupt' | 'reorder' | 'crosstalk'>
  | { readonly kind: 'split'; readonly bytes: number }
  | { readonly kind: 'drip'; readonly bytesPerSecond: number }
  | { readonly kind: 'comments' }
  | { readonly kind: 'heartbeat'; readonly ms: number }
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: number }
  | { readonly kind: 'no-pong' };

export type FaultKind = Fault['kind'];

/** Where a fault can act: on the bytes of an HTTP answer, on Socket.IO events, or both. */
export type FaultReach = 'http' | 'socketio';

interface FaultSpec {
  /** How it is written, e.g. `stall:K:MS`. */
  readonly usage: string;
  readonly description: string;
  readonly reach: readonly FaultReach[];
  readonly build: (args: readonly number[]) => Fault;
  /** How many numbers it takes: [least, most]. */
  readonly arity: readonly [number, number];
}

const BOTH: readonly FaultReach[] = ['http', 'socketio'];
const HTTP: readonly FaultReach[] = ['http'];

/** Every fault overlay, as `chatwire mock --help` and `GET /_chatwire/scenarios` list them. */
export const FAULTS: Readonly<Record<FaultKind, FaultSpec>> = {
  delay: {
    usage: 'delay:MS',
    description: 'wait MS before the head and the first frame',
    reach: BOTH,
    arity: [1, 1],
    build: ([ms = 0]) => ({ kind: 'delay', ms }),
  },
  stall: {
    usage: 'stall:K:MS',
    description: 'after frame K, wait MS before the next one',
    reach: BOTH,
    arity: [2, 2],
    build: ([after = 0, ms = 0]) => ({ kind: 'stall', after, ms }),
  },
  close: {
    usage: 'close:K',
    description: 'end the answer cleanly after frame K (0: right after the head); Socket.IO: disconnect',
    reach: BOTH,
    arity: [1, 1],
    build: ([after = 0]) => ({ kind: 'close', after }),
  },
  reset: {
    usage: 'reset:K',
    description: 'break the connection after frame K; Socket.IO: drop the transport',
    reach: BOTH,
    arity: [1, 1],
    build: ([after = 0]) => ({ kind: 'reset', after }),
  },
  'close-mid': {
    usage: 'close-mid:K',
    description: 'write the first half of frame K, then end cleanly',
    reach: HTTP,
    arity: [1, 1],
    build: ([frame = 1]) => ({ kind: 'close-mid', frame }),
  },
  'reset-mid': {
    usage: 'reset-mid:K',
    description: 'write the first half of frame K, then break the connection',
    reach: HTTP,
    arity: [1, 1],
    build: ([frame = 1]) => ({ kind: 'reset-mid', frame }),
  },
  duplicate: { usage: 'duplicate:K', description: 'send frame K twice', reach: BOTH, arity: [1, 1], build: ([frame = 1]) => ({ kind: 'duplicate', frame }) },
  drop: { usage: 'drop:K', description: 'leave frame K out', reach: BOTH, arity: [1, 1], build: ([frame = 1]) => ({ kind: 'drop', frame }) },
  reorder: {
    usage: 'reorder:K',
    description: 'send frame K after frame K+1',
    reach: BOTH,
    arity: [1, 1],
    build: ([frame = 1]) => ({ kind: 'reorder', frame }),
  },
  corrupt: {
    usage: 'corrupt:K',
    description: 'break the JSON of frame K (its last closing bracket goes missing)',
    reach: BOTH,
    arity: [1, 1],
    build: ([frame = 1]) => ({ kind: 'corrupt', frame }),
  },
  crosstalk: {
    usage: 'crosstalk:K',
    description: "send, as frame K, the latest frame of another answer of the same protocol in flight, with that answer's request quoted in it",
    reach: BOTH,
    arity: [1, 1],
    build: ([frame = 1]) => ({ kind: 'crosstalk', frame }),
  },
  split: {
    usage: 'split[:N]',
    description: 'write every frame in pieces of N bytes (default 1), cutting through multi-byte characters',
    reach: HTTP,
    arity: [0, 1],
    build: ([bytes = 1]) => ({ kind: 'split', bytes }),
  },
  drip: {
    usage: 'drip:BPS',
    description: 'write the answer at BPS bytes per second',
    reach: HTTP,
    arity: [1, 1],
    build: ([bytesPerSecond = 1]) => ({ kind: 'drip', bytesPerSecond }),
  },
  comments: { usage: 'comments', description: 'an SSE comment line before every event', reach: HTTP, arity: [0, 0], build: () => ({ kind: 'comments' }) },
  heartbeat: {
    usage: 'heartbeat:MS',
    description: 'an SSE comment every MS while the stream is open',
    reach: HTTP,
    arity: [1, 1],
    build: ([ms = 1000]) => ({ kind: 'heartbeat', ms }),
  },
  status: {
    usage: 'status:CODE[:RETRY_AFTER]',
    description: "answer CODE with the protocol's error body and no stream (Retry-After seconds, default 1 for 429 and 503)",
    reach: HTTP,
    arity: [1, 2],
    build: ([status = 500, retryAfter]) => (retryAfter === undefined ? { kind: 'status', status } : { kind: 'status', status, retryAfter }),
  },
  'no-pong': {
    usage: 'no-pong',
    description: 'Socket.IO: stop the heartbeat, so the connection dies of a ping timeout',
    reach: ['socketio'],
    arity: [0, 0],
    build: () => ({ kind: 'no-pong' }),
  },
};

function isFaultKind(name: string): name is FaultKind {
  return Object.hasOwn(FAULTS, name);
}

/** Limits that keep a fault from becoming a way to hold the mock for ever. */
const MAX_MS = 600_000;

function checkArgs(kind: FaultKind, args: readonly number[], text: string): void {
  const bad = (why: string): ChatwireError =>
    new ChatwireError('BAD_OPTION', `Failed to read fault "${text}": ${why}`, { hint: `write it as ${FAULTS[kind].usage}` });
  const [least, most] = FAULTS[kind].arity;
  if (args.length < least || args.length > most) throw bad(`${kind} takes ${least === most ? least : `${least} to ${most}`} number(s), got ${args.length}`);
  for (const arg of args) if (!Number.isSafeInteger(arg) || arg < 0) throw bad(`${String(arg)} is not a whole number ≥ 0`);
  const fault = FAULTS[kind].build(args);
  if ('ms' in fault && fault.ms > MAX_MS) throw bad(`at most ${MAX_MS} ms`);
  if (fault.kind === 'status' && (fault.status < 400 || fault.status > 599)) throw bad('the status must be 400–599');
  if ((fault.kind === 'split' || fault.kind === 'drip') && ('bytes' in fault ? fault.bytes : fault.bytesPerSecond) < 1) throw bad('at least 1 byte');
  if ('frame' in fault && fault.frame < 1) throw bad('frames count from 1');
}

/** One fault as written: `name` or `name:n[:n]`. */
export function parseFault(text: string): Fault {
  const [name = '', ...rest] = text.trim().split(':');
  if (!isFaultKind(name)) {
    throw new ChatwireError('BAD_OPTION', `Failed to read fault "${text}": there is no fault named "${name}"`, {
      hint: `faults are ${Object.values(FAULTS)
        .map((spec) => spec.usage)
        .join(', ')}`,
    });
  }
  const args = rest.map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
  checkArgs(name, args, text);
  return FAULTS[name].build(args);
}

/** A list of faults as a header or an option writes them: separated by commas or spaces. */
export function parseFaults(text: string): Fault[] {
  return text
    .split(/[\s,]+/)
    .filter((part) => part !== '')
    .map(parseFault);
}

/** A fault as it is written, for logs and listings. */
export function formatFault(fault: Fault): string {
  const args = Object.entries(fault)
    .filter(([key]) => key !== 'kind')
    .map(([, value]) => String(value));
  return [fault.kind, ...args].join(':');
}

/** Whether a fault can act on answers that travel this way. */
export function reaches(fault: Fault, reach: FaultReach): boolean {
  return FAULTS[fault.kind].reach.includes(reach);
}

/** The faults as `--help` and the control route list them. */
export function faultCatalogue(): Array<{ usage: string; description: string; transports: readonly FaultReach[] }> {
  return Object.values(FAULTS).map(({ usage, description, reach }) => ({ usage, description, transports: reach }));
}

/** Retry-After for a status fault: as asked, else one second where the status invites a retry. */
export function retryAfterHeaders(status: Extract<Fault, { kind: 'status' }> | undefined): Record<string, string> {
  if (status === undefined) return {};
  const seconds = status.retryAfter ?? (status.status === 429 || status.status === 503 ? 1 : undefined);
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}
