import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, root } from './cli-helper.js';

describe('chatwire spec (the built bin)', () => {
  it('prints the OpenAPI description of an HTTP protocol: the one checked in under specs/', async () => {
    const result = await cli(['spec', 'ctai']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(root, 'specs', 'ctai.openapi.json'), 'utf8'));
    const document: unknown = JSON.parse(result.stdout);
    expect(document).toMatchObject({ openapi: '3.1.1', paths: { '/v1/ctai/query_text_chat': { post: { operationId: 'queryTextChat' } } } });
  });

  it('writes the AsyncAPI description of a Socket.IO protocol with -o, saying so on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatwire-spec-'));
    try {
      const file = join(dir, 'pocketqa.json');
      const result = await cli(['spec', 'pocketqa', '-o', file]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`wrote ${file}: the asyncapi description of pocketqa`);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
        asyncapi: '3.1.0',
        operations: { CHAT_CS: { action: 'send' }, CHAT_SS: { action: 'receive' } },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with a clear message for a format the protocol’s transport does not speak', async () => {
    const result = await cli(['spec', 'pocketqa', '--format', 'openapi']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Failed to describe pocketqa as openapi: its answers travel as Socket.IO events, described by asyncapi');
    expect(result.stderr).toContain('chatwire spec pocketqa --format asyncapi');
    const http = await cli(['spec', 'tasks', '--format', 'asyncapi']);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain('Failed to describe tasks as asyncapi');
  });

  it('exits 2 for an unknown protocol or format, naming what is known', async () => {
    const unknown = await cli(['spec', 'ctia']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Failed to find protocol "ctia": known protocols are ctai, fastgpt, fastgpt-py, pocketqa, tasks');
    const format = await cli(['spec', 'ctai', '--format', 'yaml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Allowed choices are openapi, asyncapi');
  });
});
