import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestTarget } from '../src/mock/target.js';

const viaUrl = (raw: string): { pathname: string; search: string } | 'refused' => {
  try {
    const url = new URL(raw, 'http://mock.invalid');
    return { pathname: url.pathname, search: url.search };
  } catch {
    return 'refused';
  }
};

const read = (raw: string): { pathname: string; search: string } | 'refused' => {
  try {
    const target = new RequestTarget(raw);
    return { pathname: target.pathname, search: target.search };
  } catch {
    return 'refused';
  }
};

describe('a request target', () => {
  it('reads path and query as URL does, whatever the request names', () => {
    const piece = fc.constantFrom('/', '//', 'v1', 'chat', '.', '..', '%2e', '%41', '?', '?a=1', '&b', '#x', ' ', '\\', 'é', '~', '-', '_', ':', '@');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const raw = `/${pieces.join('')}`;
        // What URL refuses (`//`: a host left empty) is refused alike.
        expect(read(raw)).toEqual(viaUrl(raw));
        if (viaUrl(raw) !== 'refused') expect(new RequestTarget(raw).url.href).toBe(new URL(raw, 'http://mock.invalid').href);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(['/v1/ctai/query_text_chat', '/chat', '/', '/api/v1/tasks/t-1', '//evil.example/chat', '/a/../chat', '/chat?stream=false', '/%63hat'])(
    'reads %s as URL does',
    (raw) => expect(read(raw)).toEqual(viaUrl(raw)),
  );
});
