import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { protocolIds } from '../src/protocols/index.js';
import { rulePage } from '../src/protocols/pages.js';
import { cli, root } from './cli-helper.js';

const ListedRule = z.object({ id: z.string(), page: z.string() });
const pagesDir = join(root, 'docs', 'protocols');

/** Every `<a id="…"></a>` line of a page, in order, with its line number. */
function anchorsOf(lines: readonly string[]): { id: string; line: number }[] {
  return lines.flatMap((text, line) => {
    const match = /^<a id="([^"]+)"><\/a>\s*$/.exec(text);
    return match?.[1] === undefined ? [] : [{ id: match[1], line }];
  });
}

/** GitHub's slug of a heading: lower case, punctuation dropped, spaces as hyphens. */
function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** What a fragment may point at on a page: its explicit anchors and its headings' slugs. */
function targetsOf(text: string): Set<string> {
  const lines = text.split('\n');
  const headings = lines.flatMap((line) => (/^#{1,6} /.test(line) ? [slugOf(line.replace(/^#+ /, ''))] : []));
  return new Set([...anchorsOf(lines).map((anchor) => anchor.id), ...headings]);
}

const pages = readdirSync(pagesDir).filter((name) => name.endsWith('.md'));
let rules: z.output<typeof ListedRule>[] = [];
beforeAll(async () => {
  const listed = await cli(['rules', '--json']);
  expect(listed.code, listed.stderr).toBe(0);
  rules = z.array(ListedRule).parse(JSON.parse(listed.stdout));
}, 60_000);

describe('rule links', () => {
  it('lead to the page of the protocol the id starts with, and to the family section', () => {
    const ids = ['fastgpt', 'fastgpt-py', 'ctai'];
    expect(rulePage('ctai.stop.last', ids).link).toBe('docs/protocols/ctai.md#ctai-stop');
    expect(rulePage('fastgpt-py.stage.code-format', ids).link).toBe('docs/protocols/fastgpt-py.md#fastgpt-py-stage');
    expect(rulePage('fastgpt.stream.content-type', ids).link).toBe('docs/protocols/fastgpt.md#fastgpt-stream');
    expect(rulePage('ctai.msg_sn.sequence', ids).link).toBe('docs/protocols/ctai.md#ctai-msg_sn');
    expect(rulePage('load.crosstalk', ids).link).toBe('docs/protocols/common.md#load');
    expect(rulePage('http.response.complete', ids).link).toBe('docs/protocols/common.md#http-response');
    // A rule whose id only begins like a protocol's is not that protocol's.
    expect(rulePage('ctaix.thing.rule', ids).link).toBe('docs/protocols/common.md#ctaix-thing');
  });

  it('are listed by chatwire rules, under each rule beside its document and section', async () => {
    expect(rules.find((rule) => rule.id === 'ctai.stop.last')?.page).toBe('docs/protocols/ctai.md#ctai-stop');
    const listed = await cli(['rules', 'ctai']);
    expect(listed.stdout).toContain('002_cba551f1a5d093b7.txt, 流式应答 (分包的最后一个包为结束包); docs/protocols/ctai.md#ctai-stop\n');
  });
});

describe('reports link each deviation to its rule section and still name the document', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatwire-pages-'));
    // A ctai stream whose stop packet carries text: ctai.stop.no-text, explained in the ctai-stop section.
    const packet = (sn: number, event: string, text: string): string =>
      `id: a-${sn}\ndata: ${JSON.stringify({ ret: '0', msg: '', data: { msg_id: `a-${sn}`, msg_sn: String(sn), event, answer_text: text, ref_doc_list: [], follow_up_list: [] } })}\n\n`;
    writeFileSync(join(dir, 'stream.txt'), packet(0, '', '2路汽车') + packet(1, 'stop', '乘坐。'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('in every format: pretty, junit, github and json name the page, html links to the installed page', async () => {
    const formats = ['junit', 'github', 'json', 'html'].map((name) => `${name}:${join(dir, `report.${name}`)}`);
    const result = await cli(['validate', join(dir, 'stream.txt'), '--protocol', 'ctai', '-r', 'pretty', ...formats.flatMap((f) => ['-r', f])]);
    expect(result.code, result.stderr).toBe(1);
    const line = '002_cba551f1a5d093b7.txt, 流式应答 (结束包不包含任何实际 answer 内容); docs/protocols/ctai.md#ctai-stop';
    expect(result.stdout).toContain(`see ${line}`);
    expect(readFileSync(join(dir, 'report.junit'), 'utf8')).toContain(`see ${line}`);
    expect(readFileSync(join(dir, 'report.github'), 'utf8')).toContain(`%0Asee ${line}`);
    const json = z
      .object({ cases: z.array(z.object({ steps: z.array(z.object({ deviations: z.array(z.object({ rule: z.string(), page: z.string() })) })) })) })
      .parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
    expect(json.cases[0]?.steps[0]?.deviations).toEqual([expect.objectContaining({ rule: 'ctai.stop.no-text', page: 'docs/protocols/ctai.md#ctai-stop' })]);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const href = /<a href="([^"]+)">docs\/protocols\/ctai\.md#ctai-stop<\/a>/.exec(html)?.[1] ?? '';
    expect(href).toMatch(/^file:\/\/.*\/docs\/protocols\/ctai\.md#ctai-stop$/);
    // The link leads to a page that exists, with the section it names.
    const url = new URL(href);
    expect(targetsOf(readFileSync(fileURLToPath(url), 'utf8')).has(url.hash.slice(1))).toBe(true);
  });

  it('html links under CHATWIRE_DOCS_BASE when a copy of the pages is served elsewhere; a base that is no URL fails at once', async () => {
    const html = join(dir, 'based.html');
    const args = ['validate', join(dir, 'stream.txt'), '--protocol', 'ctai', '-r', `html:${html}`];
    const based = await cli(args, { CHATWIRE_DOCS_BASE: 'https://example.test/chatwire/blob/v0.1.0' });
    expect(based.code, based.stderr).toBe(1);
    expect(readFileSync(html, 'utf8')).toContain(
      '<a href="https://example.test/chatwire/blob/v0.1.0/docs/protocols/ctai.md#ctai-stop">docs/protocols/ctai.md#ctai-stop</a>',
    );
    rmSync(html);
    const wrong = await cli(args, { CHATWIRE_DOCS_BASE: 'example.test/chatwire' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Failed to read CHATWIRE_DOCS_BASE: "example.test/chatwire" is not an http, https or file URL');
    expect(existsSync(html)).toBe(false);
  });
});

describe('the protocol pages', () => {
  it('ship in the package, next to the code that links to them', () => {
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    expect(packed.status, packed.stderr).toBe(0);
    const files = z.array(z.object({ files: z.array(z.object({ path: z.string() })) })).parse(JSON.parse(packed.stdout))[0]?.files ?? [];
    expect(files.map((file) => file.path)).toEqual(expect.arrayContaining(pages.map((page) => `docs/protocols/${page}`)));
  });

  // Each protocol's page and the common one, known before the rules are listed so that each page is a test of its own.
  const rulePages = [...protocolIds().map((id) => `${id}.md`), 'common.md'];
  it.each(rulePages)('%s: every rule has its family section (an anchor, then a heading) naming its id in backticks', (page) => {
    const linked = rules.filter((rule) => rule.page.startsWith(`docs/protocols/${page}#`)).map((rule) => rule.id);
    expect(existsSync(join(pagesDir, page)), `docs/protocols/${page} is missing: it explains ${linked.join(', ')}`).toBe(true);
    const lines = readFileSync(join(pagesDir, page), 'utf8').split('\n');
    const anchors = anchorsOf(lines);
    const problems = rules
      .filter((rule) => linked.includes(rule.id))
      .flatMap((rule) => {
        const id = rule.page.replace(/^.*#/, '');
        const at = anchors.findIndex((anchor) => anchor.id === id);
        const anchor = anchors[at];
        if (anchor === undefined) return [`${rule.id}: no <a id="${id}"></a>`];
        const next = lines.slice(anchor.line + 1).find((line) => line.trim() !== '') ?? '';
        const end = anchors[at + 1]?.line ?? lines.length;
        const section = lines.slice(anchor.line, end).join('\n');
        return [
          ...(/^#{2,6} /.test(next) ? [] : [`${rule.id}: the anchor ${id} is not followed by a heading`]),
          ...(section.includes(`\`${rule.id}\``) ? [] : [`${rule.id}: not named in backticks in section ${id}`]),
        ];
      });
    expect(problems).toEqual([]);
  });

  it.each(rulePages)('%s: every anchor is a rule family (no stale section)', (page) => {
    expect(existsSync(join(pagesDir, page)), `docs/protocols/${page} is missing`).toBe(true);
    const families = new Set(rules.filter((rule) => rule.page.startsWith(`docs/protocols/${page}#`)).map((rule) => rule.page.replace(/^.*#/, '')));
    const anchors = anchorsOf(readFileSync(join(pagesDir, page), 'utf8').split('\n')).map((anchor) => anchor.id);
    expect(anchors.filter((id) => !families.has(id))).toEqual([]);
    expect(new Set(anchors).size).toBe(anchors.length);
  });

  it.each(pages)('%s: every relative link resolves, to a file and to a section of it', (page) => {
    const text = readFileSync(join(pagesDir, page), 'utf8');
    const links = [...text.matchAll(/\]\(([^)\s]+)\)|href="([^"]+)"/g)].map((match) => match[1] ?? match[2] ?? '');
    const broken = links
      .filter((link) => !/^[a-z]+:/i.test(link))
      .filter((link) => {
        const [path = '', fragment] = link.split('#');
        const target = path === '' ? join(pagesDir, page) : resolve(dirname(join(pagesDir, page)), decodeURIComponent(path));
        if (!existsSync(target)) return true;
        return fragment !== undefined && target.endsWith('.md') && !targetsOf(readFileSync(target, 'utf8')).has(fragment);
      });
    expect(broken).toEqual([]);
  });
});
