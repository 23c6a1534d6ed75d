import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChatwireError, describeError } from '../core/errors.js';
import { MockCore, type MockCoreOptions } from './core.js';
import type { ClientDeviationRecord } from './exchange.js';
import { nodeRequest, nodeResponse } from './io.js';
import type { ScenarioSet } from './scenario.js';

export interface MockServerOptions extends MockCoreOptions {
  /** 127.0.0.1 unless told otherwise. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

export interface MockServer {
  /** `http://host:port`, the base URL to give clients. */
  readonly url: string;
  readonly port: number;
  readonly scenarios: ReadonlyMap<string, ScenarioSet>;
  /** Client deviations seen so far, oldest first (at most 1,000). */
  clientDeviations(): readonly ClientDeviationRecord[];
  /** Stops listening and closes every open connection, held-open streams included. */
  close(): Promise<void>;
}

/**
 * The mock on a real port: one node:http server hosting every given protocol at once (their paths
 * do not collide), plus `/_chatwire/scenarios` and `/_chatwire/client-deviations`.
 */
export async function startMockServer(options: MockServerOptions): Promise<MockServer> {
  const core = new MockCore(options);
  const server: Server = createServer((req, res) => {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort(new Error('client closed the connection'));
    });
    core.handle(nodeRequest(req), nodeResponse(res), gone.signal).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: describeError(error) }));
    });
  });
  // A client that never finishes sending its request must not hold a socket for ever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new ChatwireError('SERVER_START', `Failed to start the mock on ${host}:${options.port ?? 0}: ${error.code ?? error.message}`, {
          hint: error.code === 'EADDRINUSE' ? 'choose another --port, or 0 for a free one' : 'check --host and --port',
        }),
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const attached = options.protocols.flatMap((protocol) => (protocol.mock.attach === undefined ? [] : [protocol.mock.attach(server, core.attachContext(protocol))]));
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}`,
    port,
    scenarios: core.scenarios,
    clientDeviations: () => core.clientDeviations(),
    close: async () => {
      await Promise.all(attached.map((transport) => transport.close()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
