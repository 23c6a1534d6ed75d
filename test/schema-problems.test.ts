import { describe, expect, it } from 'vitest';
import { schemas } from '../src/core/schemas.js';

const MESSAGE = 'https://chatwire.dev/schemas/tasks/message.json';
const check = (value: unknown) => schemas().check(MESSAGE, value);

describe('what a schema problem says', () => {
  it('an id that may be a string or an integer, sent as an empty string, is told it is too short, not that it "must be integer"', () => {
    const problems = check({ conversation_id: '', message: 'm' });
    expect(problems.map((problem) => problem.message)).toEqual(['/conversation_id must have at least 1 character(s)']);
  });

  it('a value of neither type is told both', () => {
    const messages = check({ conversation_id: true, message: 'm' }).map((problem) => problem.message);
    expect(messages).toEqual(expect.arrayContaining(['/conversation_id must be string', '/conversation_id must be integer']));
  });

  it('problems elsewhere keep their own words, and a valid value has none', () => {
    expect(check({ conversation_id: 'c' }).map((problem) => problem.message)).toEqual(['"message" is required']);
    expect(check({ conversation_id: 7, message: 'm' })).toEqual([]);
  });
});
