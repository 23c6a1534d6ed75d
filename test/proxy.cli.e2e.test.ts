import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { cli } from './cli-helper.js';

describe('chatwire proxy set up wrong', () => {
  it('exits 2 with one line naming the problem: no --target, an unknown protocol, a taken port, a report it cannot write', async () => {
    const missing = await cli(['proxy', 'ctai']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([expect.stringContaining('Failed to parse --target')]);

    const unknown = await cli(['proxy', 'nope', '--target', 'http://127.0.0.1:9']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Failed to find protocol "nope"');

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const busy = await cli(['proxy', 'ctai', '--target', 'http://127.0.0.1:9', '--port', String(port)]);
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/Failed to start the proxy on 127\.0\.0\.1:\d+: EADDRINUSE \(choose another --port/);

    const unwritable = await cli(['proxy', 'ctai', '--target', 'http://127.0.0.1:9', '--port', '0', '-r', 'junit', '-o', '/nonexistent-dir/x.xml']);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain('Failed to prepare report /nonexistent-dir/x.xml: the folder /nonexistent-dir does not exist');
  });
});
