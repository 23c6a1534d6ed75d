import { describe, expect, it } from 'vitest';
import { redact } from '../src/mock/redact.js';

describe('redact', () => {
  it('blanks credentials in headers, JSON fields, bearer strings and well-known key shapes', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['Authorization: Bearer abc.def-123', 'abc.def-123'],
      ['Cookie: sid=s3ss10n; theme=dark', 'sid=s3ss10n'],
      ['{"apiKey":"k-123456","question":"hi"}', 'k-123456'],
      ['{\\"password\\": \\"hunter2\\"}', 'hunter2'],
      ['{"access_token": "tok-998877"}', 'tok-998877'],
      ['got "sk-proj-abcdefghijklmnop1234"', 'sk-proj-abcdefghijklmnop1234'],
      ['key fastgpt-0123456789abcdef here', 'fastgpt-0123456789abcdef'],
      ['jwt eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4', 'eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4'],
    ];
    for (const [text, secret] of cases) {
      const out = redact(text);
      expect(out, text).not.toContain(secret);
      expect(out, text).toContain('[redacted]');
    }
    expect(redact('the mock token is tok-operator here', ['tok-operator'])).not.toContain('tok-operator');
  });

  it('keeps what is no secret: the question, ids, rule words', () => {
    const text = '{"query_text":"你好，请问2路汽车在哪里乘坐","session_id":"cw-1","msg_sn":"2"} lang must be one of zh_CN';
    expect(redact(text)).toBe(text);
  });
});
