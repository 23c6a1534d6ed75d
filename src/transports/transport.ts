import type { Server as HttpServer } from 'node:http';
import type { FaultReach } from '../mock/faults.js';
import type { JsonObject, SchemaFiles } from '../core/bundle.js';
import { ChatwireError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Limits, StreamBatch } from '../core/exchange.js';
import type { Rule } from '../core/rule.js';
import type { HostCheck, MockContext, MockAttachOptions } from '../mock/exchange.js';
import type { AnswerKind, Protocol, TransportId } from '../protocols/protocol.js';
import type { StepContext, StepResult } from '../suite/step.js';
import type { StepType, SuiteStep } from './steps.js';

/** The protocols that travel by transport K. */
export type ProtocolOn<K extends TransportId> = Extract<Protocol, { readonly transport: K }>;

export interface OfflineReadOptions {
  readonly limits: Pick<Limits, 'maxFrames' | 'maxBytes'>;
  readonly clock: Clock;
  readonly startedAt: number;
}

/** How a saved answer of a protocol is read back offline (`chatwire validate`). */
export interface OfflineReader {
  /** The call a saved answer is taken to answer when not told, if the protocol names one. */
  readonly path?: string;
  /** The kind of answer a request asks for. */
  kindOf(requestJson: unknown, url: string): AnswerKind;
  read(chunks: AsyncIterable<Uint8Array | string>, kind: AnswerKind, options: OfflineReadOptions): AsyncIterable<StreamBatch>;
}

export interface MockAttachment {
  close(): Promise<void>;
}

/** The kinds of API description `chatwire spec` writes. */
export type ApiFormat = 'openapi' | 'asyncapi';

/** How a protocol on a transport is described for other tools, from its declaration and `schemas/`. */
export interface ApiDescriber<K extends TransportId> {
  readonly format: ApiFormat;
  describe(protocol: ProtocolOn<K>, files: SchemaFiles): JsonObject;
}

/** One served protocol of a transport's mock, with its share of the mock. */
export interface ServedOn<K extends TransportId> {
  readonly protocol: ProtocolOn<K>;
  readonly context: MockContext;
}

/**
 * Everything chatwire knows about one way answers travel: the rules every exchange on it keeps,
 * the suite steps that ask by it and their driver, how a saved answer is read offline, and how the
 * mock serves it. Each lives in its own folder under `src/transports/`; `index.ts` lists them.
 */
export interface Transport<K extends TransportId> {
  readonly id: K;
  /** How answers travel on it, in words for messages ("Socket.IO events"). */
  readonly travels: string;
  /** Which fault overlays of the mock act on its answers: those on HTTP bytes, or those on Socket.IO events. */
  readonly faultReach: FaultReach;
  /** The rules every exchange on it keeps, beside the protocol's own. */
  readonly rules: readonly Rule[];
  /** The rule an exchange breaks when its connection fails. */
  readonly connectionRule: Rule;
  /** The suite step types a protocol on it may use. */
  readonly steps: readonly StepType[];
  /** Runs one step of a case (one of `steps`: suites are checked when loaded). */
  runStep(protocol: ProtocolOn<K>, step: SuiteStep, context: StepContext): Promise<StepResult>;
  /** Words that name a step in a report when it got no answer at all ("POST", "EMIT CHAT_CS"). */
  label(step: SuiteStep): string;
  /** The API description format it speaks (`chatwire spec`). */
  readonly api: ApiDescriber<K>;
  /** Present when one saved HTTP body can hold an answer. */
  offline?(protocol: ProtocolOn<K>): OfflineReader;
  /**
   * Present when answers travel outside the mock's HTTP routes (a Socket.IO server): serves them on
   * the mock's HTTP server. Without it, the routes are all, and msw can serve them too.
   */
  attachMock?(server: HttpServer, served: readonly ServedOn<K>[], admits: HostCheck, options?: MockAttachOptions): Promise<MockAttachment>;
}

/** A step of a type the transport does not run: its suite should have been refused when loaded. */
export function stepMismatch(transport: TransportId, step: SuiteStep): ChatwireError {
  return new ChatwireError('INTERNAL', `Failed to run a "${step.type}" step: the ${transport} transport does not run it`, {
    hint: 'load suites with loadSuite, which checks every step against the protocol',
  });
}
