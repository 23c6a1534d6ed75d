/**
 * `-r html` as a user opens it: the built bin runs the ctai suite against the embedded mock playing
 * the msg-sn-gap fault, and the file it writes is opened offline in headless Chromium.
 * CHATWIRE_UPDATE_DOCS=1 also writes the screenshot to docs/report.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findChromium } from './chromium.js';
import { cli, root } from './cli-helper.js';

let dir: string;
let browser: Browser;
let page: Page;
const requested: string[] = [];
let report: { cases: { name: string; outcome: string; steps: { deviations: { rule: string }[]; timeline?: { frames: unknown[] } }[] }[] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatwire-html-'));
  const html = join(dir, 'report.html');
  const json = join(dir, 'report.json');
  const run = await cli(['run', 'ctai', '-H', 'x-chatwire-scenario: msg-sn-gap', '--max-gap', '10ms', '-r', `html:${html}`, '-r', `json:${json}`]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(1);
  report = JSON.parse(readFileSync(json, 'utf8')) as typeof report;
  browser = await chromium.launch({ executablePath: findChromium() });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  // The report must need nothing beyond its own file.
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) await route.continue();
    else {
      requested.push(url);
      await route.abort();
    }
  });
  await page.goto(`file://${html}`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const visibleCases = (): Promise<number> => page.locator('section.case:visible').count();

describe('the HTML report', () => {
  it('shows every case, a timeline of frames per exchange, and loads nothing from the network', async () => {
    expect(await page.locator('section.case').count()).toBe(report.cases.length);
    const timelines = report.cases.flatMap((c) => c.steps.flatMap((step) => (step.timeline === undefined ? [] : [step.timeline])));
    expect(timelines.length).toBeGreaterThan(report.cases.length);
    expect(await page.locator('svg.timeline').count()).toBe(timelines.length);
    expect(await page.locator('svg.timeline line.mark').count()).toBe(timelines.reduce((sum, timeline) => sum + timeline.frames.length, 0));
    expect(await page.locator('.latency').first().textContent()).toMatch(/first byte \d.* ms.*first content \d.* ms.*p99.*total \d.* ms/);
    expect(await page.locator('svg.histogram rect.bar').count()).toBeGreaterThan(0);
    expect(requested).toEqual([]);
  });

  it('colours the frame a deviation quotes and shows its JSON on click', async () => {
    const gapCase = page.locator('section.case', { hasText: 'stream-answer' }).first();
    const marked = gapCase.locator('line.mark.dev-error');
    expect(await marked.count()).toBe(1);
    expect(await marked.getAttribute('data-index')).toBe('2');
    await marked.dispatchEvent('click');
    const shown = gapCase.locator('pre.frame-json');
    await expect.poll(() => shown.isVisible()).toBe(true);
    expect(await shown.textContent()).toMatch(/^frame 2 at [\d.]+ ms\n\{\n {2}"ret": "0"[\s\S]*"msg_sn": "3"/);
    const deviation = gapCase.locator('li.deviation[data-rule="ctai.msg_sn.sequence"]');
    expect(await deviation.textContent()).toContain('a gap: msg_sn 2 never came');
    expect(await deviation.locator('pre.quote').textContent()).toContain('"msg_sn":"3"');
  });

  it('filters by rule, severity and protocol', async () => {
    const withRule = (rule: string): number => report.cases.filter((c) => c.steps.some((s) => s.deviations.some((d) => d.rule === rule))).length;
    await page.selectOption('#filter-rule', 'ctai.msg_sn.sequence');
    expect(await visibleCases()).toBe(withRule('ctai.msg_sn.sequence'));
    await page.selectOption('#filter-rule', 'latency.gap');
    expect(await visibleCases()).toBe(withRule('latency.gap'));
    expect(await page.locator('li.deviation:visible[data-rule="ctai.msg_sn.sequence"]').count()).toBe(0);
    expect(await page.locator('li.deviation:visible[data-rule="latency.gap"]').count()).toBeGreaterThan(0);
    await page.selectOption('#filter-rule', '');
    await page.selectOption('#filter-severity', 'warn');
    expect(await visibleCases()).toBe(0);
    await page.selectOption('#filter-severity', '');
    await page.selectOption('#filter-protocol', 'ctai');
    expect(await visibleCases()).toBe(report.cases.length);
    expect(await page.locator('#shown').textContent()).toBe(String(report.cases.length));
  });

  it('saves a screenshot', async () => {
    await page.selectOption('#filter-rule', 'ctai.msg_sn.sequence');
    await page.locator('section.case:visible line.mark.dev-error').first().dispatchEvent('click');
    await page.locator('h1').scrollIntoViewIfNeeded();
    const file = join(dir, 'report.png');
    const png = await page.screenshot({ path: file });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
    if (process.env['CHATWIRE_UPDATE_DOCS'] === '1') copyFileSync(file, join(root, 'docs', 'report.png'));
  });
});
