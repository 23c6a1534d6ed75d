import { describe, expect, it } from 'vitest';
import { neededFlags, tokenVars } from '../src/suite/token-vars.js';

describe('the near keys a run makes from its key', () => {
  it('cuts the last character and swaps the case of every letter', () => {
    expect(tokenVars('tok-Audit8')).toEqual({ token: 'tok-Audit8', tokenCut: 'tok-Audit', tokenCase: 'TOK-aUDIT8' });
    expect(tokenVars('fastgpt-ÿx')).toMatchObject({ tokenCut: 'fastgpt-ÿ', tokenCase: 'FASTGPT-ÿX' });
  });

  it('still differs from a key that has no letters', () => {
    expect(tokenVars('123-456')).toMatchObject({ tokenCut: '123-45', tokenCase: '123-450' });
    expect(tokenVars('120')).toMatchObject({ tokenCase: '121' });
    for (const token of ['a', 'A', '7', '0', '--', 'ß']) {
      const near = tokenVars(token);
      expect(near.tokenCase).not.toBe(token);
      expect(near.tokenCut).not.toBe(token);
    }
  });

  it('asks for --token once for the key and its near keys, and --var for the rest', () => {
    const variables = { appId: { description: 'the app whose chats are read' } };
    expect(neededFlags(['token', 'tokenCut', 'tokenCase'], variables)).toBe('--token … (the key the server expects)');
    expect(neededFlags(['tokenCase', 'appId', 'other'], variables)).toBe(
      '--token … (the key the server expects); --var appId=… (the app whose chats are read); --var other=… (not declared by the suite)',
    );
  });
});
