import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli-helper.js';
import { rateLimiter } from './rate-limiter.js';
import { startMockProcess } from './mock-process.js';

/** A `chatwire mock` of one protocol on a free port, as a user starts it. */
async function startMock(args: readonly string[], protocol = 'ctai'): Promise<{ url: string; stop: () => void }> {
  const mock = await startMockProcess(['--protocol', protocol, ...args]);
  return { url: mock.url, stop: () => void mock.stop() };
}

interface LoadJson {
  readonly totals: { readonly errors: number };
  readonly cases: ReadonlyArray<{ readonly steps: ReadonlyArray<{ readonly deviations: ReadonlyArray<{ readonly rule: string; readonly message: string }> }> }>;
  readonly load: {
    readonly shards: readonly string[];
    readonly exchanges: number;
    readonly failed: number;
    readonly busy: number;
    readonly rules: Readonly<Record<string, number>>;
    readonly latency: { readonly p50: number };
  };
}

const readJson = (path: string): LoadJson => JSON.parse(readFileSync(path, 'utf8')) as LoadJson;

describe('chatwire load', () => {
  let faulty: { url: string; stop: () => void };
  let clean: { url: string; stop: () => void };
  let dir: string;
  beforeAll(async () => {
    [faulty, clean] = await Promise.all([startMock(['--fault', 'crosstalk:2']), startMock([])]);
    dir = mkdtempSync(join(tmpdir(), 'chatwire-load-'));
  });
  afterAll(() => {
    faulty.stop();
    clean.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds another session's words in an answer (load.crosstalk, exit 1), and none against a clean mock (exit 0)", async () => {
    const [mixed, fine] = await Promise.all([
      cli(['load', 'ctai', '--target', faulty.url, '--concurrency', '8', '--duration', '2s']),
      cli(['load', 'ctai', '--target', clean.url, '--concurrency', '8', '--duration', '2s']),
    ]);
    expect(mixed.code, mixed.stderr).toBe(1);
    expect(mixed.stdout).toContain('error load.crosstalk');
    expect(mixed.stdout).toMatch(/the answer carries "\w{8}", the marker of session \d+: another client's words/);
    expect(fine.code, fine.stderr + fine.stdout).toBe(0);
    expect(fine.stdout).not.toContain('load.crosstalk');
    // The progress line, a line at a time off a terminal, then the last one with the figures.
    expect(fine.stderr).toMatch(/load: 2s\/2s {2}\d+ exchanges {2}[\d.]+\/s {2}errors 0 {2}p50 \d+ ms {2}p99 \d+ ms {2}deviations 0/);
  }, 30_000);

  it('runs shards that see each other, and merges their reports into one result', async () => {
    const shard = (i: number, url: string, name: string) =>
      cli([
        'load',
        'ctai',
        '--target',
        url,
        '--concurrency',
        '6',
        '--duration',
        '2s',
        '--shard',
        `${i}/2`,
        '--run-id',
        '4k7',
        '-r',
        'json',
        '-o',
        join(dir, name),
      ]);
    const runs = await Promise.all([
      shard(1, faulty.url, 'f1.json'),
      shard(2, faulty.url, 'f2.json'),
      shard(1, clean.url, 'c1.json'),
      shard(2, clean.url, 'c2.json'),
    ]);
    expect(
      runs.map((run) => run.code),
      runs.map((run) => run.stdout + run.stderr).join('\n'),
    ).toEqual([1, 1, 0, 0]);

    const merged = await cli(['merge', join(dir, 'f1.json'), join(dir, 'f2.json'), '-o', join(dir, 'merged.json')]);
    expect(merged.code, merged.stderr).toBe(1);
    const [f1, f2, both] = [readJson(join(dir, 'f1.json')), readJson(join(dir, 'f2.json')), readJson(join(dir, 'merged.json'))];
    expect(both.load.shards).toEqual(['1/2', '2/2']);
    expect(both.load.exchanges).toBe(f1.load.exchanges + f2.load.exchanges);
    expect(both.load.rules['load.crosstalk']).toBe((f1.load.rules['load.crosstalk'] ?? 0) + (f2.load.rules['load.crosstalk'] ?? 0));
    expect(both.load.latency.p50).toBeGreaterThan(0);
    const crosstalk = both.cases.flatMap((c) => c.steps.flatMap((s) => s.deviations.filter((d) => d.rule === 'load.crosstalk')));
    expect(crosstalk.length).toBeGreaterThan(0);

    const fine = await cli(['merge', join(dir, 'c1.json'), join(dir, 'c2.json')]);
    expect(fine.code, fine.stderr).toBe(0);
    expect(JSON.parse(fine.stdout)).toMatchObject({ totals: { errors: 0 }, load: { shards: ['1/2', '2/2'] } });

    const twice = await cli(['merge', join(dir, 'c1.json'), join(dir, 'c1.json')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('shard 1/2 of load run 4k7 is in two of them');
  }, 30_000);

  it('refuses what it cannot use: a file that is not a report, a shard with no session, an exclusive case', async () => {
    const notReport = join(dir, 'not-report.json');
    writeFileSync(notReport, JSON.stringify({ tool: 'chatwire', cases: 'none' }));
    const bad = await cli(['merge', notReport]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`Failed to read report ${notReport}: at /format`);
    const empty = await cli(['load', 'ctai', '--concurrency', '2', '--shard', '3/4', '--duration', '1s']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('leaves shard 3/4 no session');
    const exclusive = await cli(['load', 'ctai', '--case', 'session-isolation', '--duration', '1s']);
    expect(exclusive.code).toBe(2);
    expect(exclusive.stderr).toContain('it is marked exclusive');
  }, 30_000);

  it('runs a named case that sends keys made from --token, not skipping it for want of them', async () => {
    const named = await cli(['load', 'tasks', '--case', 'refuse-near-token', '--concurrency', '1', '--duration', '1s']);
    expect(named.stdout).not.toContain('skipped');
    expect(named.stdout).toContain('1 passed');
    expect(named.code).toBe(0);
  }, 30_000);

  it('finds cross-talk between Socket.IO answers too', async () => {
    const mock = await startMock(['--fault', 'crosstalk:2'], 'pocketqa');
    try {
      const mixed = await cli(['load', 'pocketqa', '--target', mock.url, '--concurrency', '8', '--duration', '2s']);
      expect(mixed.code, mixed.stderr).toBe(1);
      expect(mixed.stdout).toContain('error load.crosstalk');
    } finally {
      mock.stop();
    }
  }, 30_000);

  it('backs off a server that answers 429 instead of hammering it, and says it could not judge it', async () => {
    const busy = await startMock(['--fault', 'status:429', '--speed', '0']);
    try {
      const file = join(dir, 'busy.json');
      const { code, stderr } = await cli(['load', 'ctai', '--target', busy.url, '--duration', '2500ms', '--concurrency', '2', '-r', `json:${file}`]);
      // Every case turned away: nothing was judged, which is no verdict on the protocol.
      expect(code).toBe(2);
      expect(stderr).toContain('the server turned away every case as busy');
      expect(stderr).toContain('lower --concurrency');
      // Two sessions, each waiting 1 s, then 2 s, after a busy answer: a handful of case runs, not thousands.
      const { load } = readJson(file);
      expect(load.busy).toBeGreaterThan(0);
      expect(load.busy).toBeLessThan(40);
      expect(load.exchanges).toBe(0);
    } finally {
      busy.stop();
    }
  });

  it('counts the cases a rate limiter turns away, and judges the others: a conformant rate-limited server passes', async () => {
    const mock = await startMock(['--speed', '0']);
    // Every third request is turned away with 429, the rest reach the mock.
    let seen = 0;
    const limiter = await rateLimiter(mock.url, () => ++seen % 3 === 0, '1');
    try {
      const front = limiter.url;
      const file = join(dir, 'limited.json');
      const { code } = await cli(['load', 'ctai', '--target', front, '--duration', '2s', '--concurrency', '2', '-r', `json:${file}`]);
      const { load } = readJson(file);
      expect(load.busy).toBeGreaterThan(0);
      expect(load.exchanges).toBeGreaterThan(0);
      expect(load.failed).toBe(0);
      expect(code).toBe(0);
    } finally {
      await limiter.close();
      mock.stop();
    }
  });

  it('lists load.crosstalk among the rules', async () => {
    const rules = await cli(['rules', 'ctai', '--json']);
    expect(JSON.parse(rules.stdout)).toContainEqual(expect.objectContaining({ id: 'load.crosstalk', severity: 'error' }));
  });
});
