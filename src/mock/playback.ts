import type { Clock } from '../core/clock.js';
import { WRITTEN, type ClientLeaving, type MockResponse } from './io.js';
import { compileTemplate, fillTemplate, type CompiledTemplate, type TemplateVars } from '../core/template.js';
import type { ScenarioAnswer, ScenarioFrame, ScenarioStream } from './scenario.js';

export interface PlaybackContext {
  readonly res: MockResponse;
  readonly clock: Clock;
  /** When the client goes away, so playback stops writing. */
  readonly leaving: ClientLeaving;
  readonly vars: TemplateVars;
}

const EOL = { lf: '\n', crlf: '\r\n', cr: '\r' } as const;

function payload(data: unknown, vars: TemplateVars): string {
  return fillTemplate(typeof data === 'string' ? data : JSON.stringify(data), vars);
}

/** One frame as event-stream text. A payload with line breaks becomes several `data:` lines. */
export function encodeFrame(frame: ScenarioFrame, lineEnding: keyof typeof EOL, vars: TemplateVars): string {
  if ('raw' in frame) return fillTemplate(frame.raw, vars);
  const eol = EOL[lineEnding];
  let text = '';
  if (frame.event !== undefined) text += `event: ${fillTemplate(frame.event, vars)}${eol}`;
  if (frame.id !== undefined) text += `id: ${fillTemplate(frame.id, vars)}${eol}`;
  for (const line of payload(frame.data, vars).split(/\r\n|\r|\n/)) text += `data: ${line}${eol}`;
  return text + eol;
}

/**
 * Each scripted frame's text compiled once, its holes left open: a scenario's frames are the same
 * objects on every request, and encoding them afresh (JSON, template scan, line split) was most of
 * the mock's work per frame. Frames a protocol builds per request are seen once and never compiled.
 */
const compiled = new WeakMap<ScenarioFrame, { readonly lineEnding: keyof typeof EOL; readonly fill: CompiledTemplate }>();
const seenOnce = new WeakSet<ScenarioFrame>();

/**
 * encodeFrame, from the frame's compiled text once it is played a second time. Exact when no value
 * holds a line break: filled in first, a break inside a payload splits it into more `data:` lines.
 */
function encodeCompiled(frame: ScenarioFrame, lineEnding: keyof typeof EOL, vars: TemplateVars): string {
  let entry = compiled.get(frame);
  if (entry === undefined || entry.lineEnding !== lineEnding) {
    if (!seenOnce.has(frame)) {
      seenOnce.add(frame);
      return encodeFrame(frame, lineEnding, vars);
    }
    // Encoded with no values, every `{{name}}` stays in the text where it will be filled.
    entry = { lineEnding, fill: compileTemplate(encodeFrame(frame, lineEnding, {})) };
    compiled.set(frame, entry);
  }
  return entry.fill(vars);
}

const hasLineBreak = (vars: TemplateVars): boolean => Object.values(vars).some((value) => value.includes('\n') || value.includes('\r'));

/**
 * A wait up to this long is not cut short when the client leaves: the stream notices at its next
 * frame. Listening for the abort on every frame cost more than the frame (thousands of held streams).
 */
const SHORT_WAIT_MS = 1_000;

/** Writes a scripted event stream with its delays; stops early when the client leaves. */
export async function playStream(stream: ScenarioStream, context: PlaybackContext): Promise<void> {
  const { res, clock, leaving, vars } = context;
  const encode = hasLineBreak(vars) ? encodeFrame : encodeCompiled;
  res.writeHead(stream.status, stream.headers);
  try {
    for (const frame of stream.frames) {
      if (frame.delayMs !== undefined && frame.delayMs > 0) await clock.sleep(frame.delayMs, frame.delayMs > SHORT_WAIT_MS ? leaving.signal : undefined);
      if (leaving.left) return;
      const written = res.write(encode(frame, stream.lineEnding, vars));
      // A write the client kept up with needs no turn of the microtask queue per frame.
      if (written !== WRITTEN) await written;
    }
    switch (stream.end) {
      case 'close':
        await res.end();
        return;
      case 'hang':
        // Held open on purpose, but never without bound: the client leaving or holdMs ends it.
        await clock.sleep(stream.holdMs, leaving.signal);
        await res.end();
        return;
      case 'abort':
        res.abort();
        return;
    }
  } catch {
    // The client left during a delay: nothing more to write.
    if (!res.ended) await res.end();
  }
}

export async function playAnswer(answer: ScenarioAnswer, context: PlaybackContext): Promise<void> {
  const { res, clock, leaving, vars } = context;
  if (answer.delayMs !== undefined && answer.delayMs > 0) {
    try {
      await clock.sleep(answer.delayMs, leaving.signal);
    } catch {
      return;
    }
  }
  res.writeHead(answer.status, answer.headers);
  await res.end(payload(answer.body, vars));
}
