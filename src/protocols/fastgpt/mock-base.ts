// What the completions and the records routes share: the chats, the envelope, auth and body intake.
import { randomBytes } from 'node:crypto';
import type { MockExchange, Refusal } from '../../mock/exchange.js';
import { approxBytes, BoundedStore, scriptReader, stateOf } from '../../mock/state.js';
import { FastgptScript } from './script.js';
import { requestKey } from './rules/request.js';
import { requestQuery } from './rules/request-query.js';

/** The one app the mock serves; every key the mock accepts belongs to it. */
export const MOCK_APP_ID = '6711c0ffee000000000c4a7e';

export interface ChatItem {
  readonly _id: string;
  readonly dataId: string;
  readonly obj: 'Human' | 'AI';
  readonly value: unknown[];
  readonly customFeedbacks: string[];
  userGoodFeedback?: string;
  userBadFeedback?: string;
  readonly responseData?: unknown[];
}

export interface Chat {
  readonly chatId: string;
  readonly title: string;
  customTitle: string;
  top: boolean;
  updateTime: Date;
  readonly variables: Record<string, unknown>;
  readonly items: ChatItem[];
  /** The script whose interactive node waits for the user's answer. */
  pending: FastgptScript | undefined;
}

/** A chat's estimated bytes: what it holds of its own (its pending script is the scenario's). */
export function chatBytes(chat: Chat): number {
  const { pending: _shared, ...own } = chat;
  return approxBytes(own);
}

/**
 * Chats by id, as FastGPT keeps them for an app: created by completions, read and changed by the
 * records calls. A chat changed in place is set again, so its size is counted anew.
 */
export class FastgptState {
  readonly chats = new BoundedStore<Chat>({ sizeOf: chatBytes });
}

export const stateOfExchange = (exchange: MockExchange): FastgptState => stateOf(exchange.state, FastgptState);
export const scriptOf = scriptReader(FastgptScript);

export const id = (bytes = 12): string => randomBytes(bytes).toString('hex');

/** The {code, statusText, message, data} envelope; errors come with HTTP 500, as FastGPT v4.11–v4.14 send them. */
export function envelope(exchange: MockExchange, script: FastgptScript, code: number, data: unknown, statusText = '', message = ''): void {
  const shownCode = script.faults.includes('envelope-code-string') ? String(code) : code;
  exchange.json(code === 200 ? 200 : 500, { code: shownCode, statusText, message, data });
}

/** How the mock refuses a request it will not serve (unknown scenario, body too large). */
export function refuse(exchange: MockExchange, refusal: Refusal): void {
  exchange.json(refusal.status, { code: refusal.status, statusText: 'badRequest', message: refusal.message, data: null });
}

export interface Failure {
  readonly code: number;
  readonly statusText: string;
  readonly message: string;
}

export function authFailure(exchange: MockExchange, script: FastgptScript): Failure | undefined {
  const auth = exchange.auth();
  if (auth === 'ok' || (auth === 'missing' && script.faults.includes('ok-without-key') && exchange.mayWeakenAuth())) return undefined;
  return auth === 'missing'
    ? {
        code: 403,
        statusText: 'unAuthorization',
        message: 'common:unAuthorization: the request has no API key in the Authorization header, with "Bearer " before it',
      }
    : { code: 514, statusText: 'unAuthApiKey', message: 'common:unAuthApiKey: the API key is not valid' };
}

/** Reads and checks a request body; undefined (after answering) when it must be refused. */
export async function readBody(exchange: MockExchange, fail: (failure: Failure) => void | Promise<void>): Promise<unknown> {
  // A GET, or a DELETE without a body, carries no body to check.
  const bodyless = exchange.method === 'GET' || (exchange.method === 'DELETE' && (await exchange.text()) === '');
  // Judged whatever the method: the key is every call's (fastgpt.request.json leaves a bodiless call alone).
  const intake = await exchange.intake();
  if (!intake.ok) {
    const { status, message } = intake.refusal;
    await fail({ code: status, statusText: status === 413 ? 'payloadTooLarge' : 'badRequest', message });
    return undefined;
  }
  // The key is the route's to settle (authFailure: a fault may accept its absence); only the input's problems are refused here.
  const errors = intake.errors.filter((deviation) => deviation.rule !== requestKey.id);
  // A query-string call without a parameter it needs, answered as FastGPT answers it (a broken body first).
  const unnamed = errors.find((deviation) => deviation.rule === requestQuery.id);
  if (unnamed !== undefined && (bodyless || errors.length === 1)) {
    await fail({ code: 500, statusText: 'missingParams', message: `common:missingParams: ${unnamed.message}` });
    return undefined;
  }
  if (bodyless) return {};
  if (errors.length > 0) {
    const reasons = errors.map((d) => `${d.type === 'request' && d.pointer !== '' ? `${d.pointer.slice(1)}: ` : ''}${d.message} (${d.rule})`);
    await fail({ code: 400, statusText: 'badRequest', message: `Failed to accept the request: ${reasons.join('; ')}` });
    return undefined;
  }
  return intake.json;
}
