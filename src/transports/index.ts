import type { Server as HttpServer } from 'node:http';
import type { Rule } from '../core/rule.js';
import type { HostCheck, MockContext } from '../mock/exchange.js';
import type { FaultReach } from '../mock/faults.js';
import type { Protocol, TransportId } from '../protocols/protocol.js';
import type { StepContext, StepResult } from '../suite/step.js';
import { httpTransport } from './http/index.js';
import { pollingTransport } from './polling/index.js';
import { socketTransport } from './socketio/index.js';
import type { StepType, SuiteStep } from './steps.js';
import type { MockAttachOptions } from '../mock/exchange.js';
import type { JsonObject, SchemaFiles } from '../core/bundle.js';
import type { ApiFormat, MockAttachment, OfflineReader, ProtocolOn, ServedOn, Transport } from './transport.js';

/**
 * Every transport by id: the one table the runner, the mock, the suite checks and the commands
 * read. A new transport is a folder beside these, its entry here, and its step schema in steps.ts.
 */
const TRANSPORTS: { readonly [K in TransportId]: Transport<K> } = {
  http: httpTransport,
  polling: pollingTransport,
  socketio: socketTransport,
};

/** A protocol's transport, bound to it: what the runner, the checks and the commands use. */
export interface BoundTransport {
  readonly id: TransportId;
  readonly travels: string;
  readonly faultReach: FaultReach;
  readonly rules: readonly Rule[];
  readonly connectionRule: Rule;
  readonly steps: readonly StepType[];
  runStep(step: SuiteStep, context: StepContext): Promise<StepResult>;
  label(step: SuiteStep): string;
  /** How a saved answer is read offline; undefined when one HTTP body cannot hold it. */
  readonly offline: OfflineReader | undefined;
  /** True when the mock's HTTP routes serve all of it, so msw handlers can serve it too. */
  readonly routesOnly: boolean;
  /** Its API description (`chatwire spec`): the format, and the document from its declaration. */
  readonly api: { readonly format: ApiFormat; describe(files: SchemaFiles): JsonObject };
}

export function transportOf(protocol: Protocol): BoundTransport {
  return bind(protocol.transport, protocol);
}

function bind<K extends TransportId>(id: K, protocol: ProtocolOn<K>): BoundTransport {
  const transport: Transport<K> = TRANSPORTS[id];
  return {
    id,
    travels: transport.travels,
    faultReach: transport.faultReach,
    rules: transport.rules,
    connectionRule: transport.connectionRule,
    steps: transport.steps,
    runStep: (step, context) => transport.runStep(protocol, step, context),
    label: (step) => transport.label(step),
    offline: transport.offline?.(protocol),
    routesOnly: transport.attachMock === undefined,
    api: { format: transport.api.format, describe: (files) => transport.api.describe(protocol, files) },
  };
}

/** Every transport's rules, each once (transports may share them). */
export function transportRules(): Rule[] {
  return [...new Set(Object.values(TRANSPORTS).flatMap((transport) => transport.rules))];
}

/** Serves, on the mock's HTTP server, every transport whose answers travel outside its routes. */
export async function attachMocks(
  server: HttpServer,
  served: readonly { protocol: Protocol; context: MockContext }[],
  admits: HostCheck,
  options: MockAttachOptions = {},
): Promise<MockAttachment[]> {
  const ids = Object.values(TRANSPORTS).map((transport) => transport.id);
  const attached = await Promise.all(ids.map((id) => attachOn(id, server, served, admits, options)));
  return attached.filter((attachment) => attachment !== undefined);
}

function attachOn<K extends TransportId>(
  id: K,
  server: HttpServer,
  served: readonly { protocol: Protocol; context: MockContext }[],
  admits: HostCheck,
  options: MockAttachOptions,
): Promise<MockAttachment | undefined> {
  const transport: Transport<K> = TRANSPORTS[id];
  const mine = served.filter((entry): entry is ServedOn<K> => entry.protocol.transport === id);
  if (mine.length === 0 || transport.attachMock === undefined) return Promise.resolve(undefined);
  return transport.attachMock(server, mine, admits, options);
}
