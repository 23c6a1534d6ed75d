import { z } from 'zod';
import { ChatwireError, describeError } from '../core/errors.js';
import { parseJson } from '../core/exchange.js';
import { parseInput } from '../core/input.js';
import { TOKEN_HEADER, type MockAccess } from './access.js';
import type { MockChoices } from './choice.js';
import type { ClientDeviationRecord } from './exchange.js';
import { faultCatalogue, formatFault } from './faults.js';
import type { MockRequest, MockResponse } from './io.js';
import type { ScenarioSet } from './scenario.js';

export const CONTROL_PREFIX = '/_chatwire/';
const MAX_CONTROL_BODY = 64 * 1024;

export function sendJson(res: MockResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  void res.end(JSON.stringify(body));
}

const UseBody = z
  .object({
    protocol: z.string().min(1),
    scenario: z.string().min(1).optional(),
    faults: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .strict();

/** What the control routes act on: the mock's scenarios, choices, log of client deviations and state. */
export interface ControlTarget {
  readonly access: MockAccess;
  readonly scenarios: ReadonlyMap<string, ScenarioSet>;
  readonly choices: MockChoices;
  readonly defaults: ReadonlyMap<string, string>;
  clientDeviations(): readonly ClientDeviationRecord[];
  clearClientDeviations(): void;
  reset(): void;
}

const ROUTES = 'GET scenarios, GET and DELETE client-deviations, POST use, POST reset';

/** What `GET /_chatwire/scenarios` answers: per protocol its scenarios and what plays now, and every fault. */
export function listing(target: ControlTarget): unknown {
  const protocols: Record<string, unknown> = {};
  for (const [protocol, set] of target.scenarios) {
    const current = target.choices.current(protocol);
    protocols[protocol] = {
      default: target.defaults.get(protocol),
      playing: current.scenario ?? target.defaults.get(protocol),
      faults: current.faults.map(formatFault),
      scenarios: set.all().map(({ name, description, breaks }) => ({ name, description, breaks })),
    };
  }
  return { protocols, faults: faultCatalogue() };
}

/** The mock's own routes under `/_chatwire/`; with --token they need it. */
export async function control(target: ControlTarget, name: string, req: MockRequest, res: MockResponse): Promise<void> {
  if (!target.access.mayControl(req.headers)) {
    return sendJson(res, 401, {
      error: `Failed to authorise ${req.method} ${CONTROL_PREFIX}${name}: the mock was started with --token; send it as Authorization: Bearer <token> or ${TOKEN_HEADER}`,
    });
  }
  const route = `${req.method} ${name}`;
  if (route === 'GET scenarios') return sendJson(res, 200, listing(target));
  if (route === 'GET client-deviations') return sendJson(res, 200, target.clientDeviations());
  if (route === 'DELETE client-deviations') {
    target.clearClientDeviations();
    return sendJson(res, 200, []);
  }
  if (route === 'POST reset') {
    target.reset();
    return sendJson(res, 200, listing(target));
  }
  if (route === 'POST use') {
    try {
      const read = await req.readBody(MAX_CONTROL_BODY);
      const parsed = read.ok ? parseJson(read.text) : undefined;
      if (parsed?.ok !== true) throw new ChatwireError('BAD_OPTION', `Failed to read the body of POST ${CONTROL_PREFIX}use: it is not JSON of at most 64 KB`);
      const body = parseInput(UseBody, parsed.value, `POST ${CONTROL_PREFIX}use`, {
        hint: 'send {"protocol":"<id>","scenario":"<name>","faults":"stall:2:5000"}',
      });
      const faults = Array.isArray(body.faults) ? body.faults.join(',') : body.faults;
      target.choices.use(body.protocol, body.scenario, faults);
      return sendJson(res, 200, listing(target));
    } catch (error) {
      return sendJson(res, 400, { error: describeError(error) });
    }
  }
  sendJson(res, 404, { error: `Failed to route ${req.method} ${CONTROL_PREFIX}${name}: the mock's own routes are ${ROUTES}` });
}
