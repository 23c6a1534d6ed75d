import type { Deviation } from '../core/rule.js';
import { rulePage, rulePageUrl } from '../protocols/pages.js';
import { HTML_SCRIPT, HTML_STYLE } from './html-assets.js';
import type { Latency, Timeline } from './latency.js';
import { caseDeviations, whereOf, type CaseReport, type RunReport, type StepReport } from './model.js';

/** Text for HTML content and attribute values alike. */
function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

const ms = (value: number | null): string => (value === null ? '–' : `${value} ms`);

const TIMELINE_WIDTH = 640;
const TIMELINE_LEFT = 8;
const TIMELINE_RIGHT = 8;

/** The severity a frame is marked with: the worst of the deviations quoting it. */
function frameSeverities(deviations: readonly Deviation[]): Map<number, 'error' | 'warn'> {
  const marked = new Map<number, 'error' | 'warn'>();
  for (const deviation of deviations) {
    if (deviation.type !== 'frame') continue;
    if (marked.get(deviation.frame) !== 'error') marked.set(deviation.frame, deviation.severity);
  }
  return marked;
}

/** Frames as marks on a line of time, from the request (0 ms) to the end of the exchange. */
function renderTimeline(timeline: Timeline, latency: Latency | undefined, deviations: readonly Deviation[]): string {
  const lastAt = timeline.frames.reduce((max, frame) => Math.max(max, frame.atMs), 0);
  const span = Math.max(latency?.totalMs ?? 0, lastAt, 1);
  const usable = TIMELINE_WIDTH - TIMELINE_LEFT - TIMELINE_RIGHT;
  const x = (at: number): number => Math.round((TIMELINE_LEFT + (at / span) * usable) * 10) / 10;
  const severities = frameSeverities(deviations);
  const marks = timeline.frames.map((frame) => {
    const severity = severities.get(frame.index);
    const classes = ['mark', ...(severity === undefined ? [] : [`dev-${severity}`]), ...(frame.heartbeat === true ? ['heartbeat'] : [])].join(' ');
    const top = severity === undefined ? 14 : 4;
    const title = `frame ${frame.index} at ${frame.atMs} ms${frame.event === undefined ? '' : ` (${frame.event})`}${severity === undefined ? '' : `: ${severity}`}`;
    return `<line class="${classes}" x1="${x(frame.atMs)}" x2="${x(frame.atMs)}" y1="${top}" y2="40" data-index="${frame.index}" data-at="${frame.atMs}" data-event="${esc(frame.event ?? '')}" data-text="${esc(frame.text)}"><title>${esc(title)}</title></line>`;
  });
  const ticks = [0, span / 2, span].map(
    (at, i) => `<text class="tick" x="${x(at)}" y="56" text-anchor="${['start', 'middle', 'end'][i] ?? 'middle'}">${Math.round(at)} ms</text>`,
  );
  const more =
    timeline.omitted > 0
      ? `<text class="tick" x="${TIMELINE_WIDTH - TIMELINE_RIGHT}" y="10" text-anchor="end">+${timeline.omitted} frames not drawn</text>`
      : '';
  return `<svg class="timeline" viewBox="0 0 ${TIMELINE_WIDTH} 64" preserveAspectRatio="none" role="img" aria-label="frames over time"><line class="axis" x1="${TIMELINE_LEFT}" x2="${TIMELINE_WIDTH - TIMELINE_RIGHT}" y1="40" y2="40"/>${marks.join('')}${ticks.join('')}${more}</svg>`;
}

/** The gaps between frames, counted under power-of-two bounds. */
function renderHistogram(latency: Latency): string {
  const { histogram } = latency.gaps;
  if (histogram.length === 0) return '';
  const most = Math.max(...histogram.map((bucket) => bucket.count));
  const width = 220;
  const bar = width / histogram.length;
  const bars = histogram.map((bucket, i) => {
    const height = Math.max(1, Math.round((bucket.count / most) * 40));
    const label = `≤ ${bucket.upToMs} ms: ${bucket.count} gap(s)`;
    return `<rect class="bar" x="${(i * bar + 1).toFixed(1)}" y="${44 - height}" width="${Math.max(1, bar - 2).toFixed(1)}" height="${height}"><title>${esc(label)}</title></rect>`;
  });
  const first = histogram[0]?.upToMs ?? 0;
  const last = histogram[histogram.length - 1]?.upToMs ?? 0;
  const axis = `<text class="tick" x="0" y="58">≤${first} ms</text><text class="tick" x="${width}" y="58" text-anchor="end">≤${last} ms</text>`;
  return `<svg class="histogram" viewBox="0 0 ${width} 64" role="img" aria-label="gaps between frames">${bars.join('')}${axis}</svg>`;
}

function renderLatency(latency: Latency): string {
  const { gaps } = latency;
  return `<div class="latency"><span>first byte <b>${ms(latency.ttfbMs)}</b></span><span>first content <b>${ms(latency.ttftMs)}</b></span><span>gaps p50 <b>${ms(gaps.p50Ms)}</b> · p99 <b>${ms(gaps.p99Ms)}</b> · max <b>${ms(gaps.maxMs)}</b> (${gaps.count})</span><span>total <b>${ms(latency.totalMs)}</b></span></div>`;
}

function renderDeviation(deviation: Deviation, docsBase: URL | undefined): string {
  const expected =
    deviation.expected === undefined
      ? ''
      : `<div>expected ${esc(deviation.expected)}${deviation.actual === undefined ? '' : `, got ${esc(deviation.actual)}`}</div>`;
  const quote = deviation.type === 'frame' ? `<pre class="quote">${esc(deviation.quote)}</pre>` : '';
  return `<li class="deviation" data-rule="${esc(deviation.rule)}" data-severity="${deviation.severity}"><span class="${deviation.severity}">${deviation.severity}</span> <code>${esc(deviation.rule)}</code> at ${esc(whereOf(deviation))}: ${esc(deviation.message)}${expected}${quote}<div class="see">see ${esc(deviation.source.doc)}, ${esc(deviation.source.section)}; <a href="${esc(rulePageUrl(deviation.rule, docsBase))}">${esc(rulePage(deviation.rule).link)}</a></div></li>`;
}

function renderStep(step: StepReport, docsBase: URL | undefined): string {
  const head = `<div class="step-head">step ${step.index + 1}: ${esc(step.method)} ${esc(step.url)} → ${step.status ?? 'no response'}, ${step.frames} frame(s), ${esc(step.end)}${step.timeLimit === undefined ? '' : ` (${esc(step.timeLimit)})`}</div>`;
  const latency = step.latency === undefined ? '' : renderLatency(step.latency);
  const timeline = step.timeline === undefined ? '' : renderTimeline(step.timeline, step.latency, step.deviations);
  const histogram = step.latency === undefined ? '' : renderHistogram(step.latency);
  const charts = timeline === '' && histogram === '' ? '' : `<div class="charts">${timeline}${histogram}</div><pre class="frame-json" hidden></pre>`;
  const note = step.note === undefined ? '' : `<div class="note">note: ${esc(step.note)}</div>`;
  const deviations =
    step.deviations.length === 0 ? '' : `<ul class="deviations">${step.deviations.map((deviation) => renderDeviation(deviation, docsBase)).join('')}</ul>`;
  return `<div class="step">${head}${latency}${charts}${deviations}${note}</div>`;
}

const MARKS: Readonly<Record<CaseReport['outcome'], string>> = { passed: '✓', warned: '!', failed: '✗', skipped: '-' };

function renderCase(report: CaseReport, docsBase: URL | undefined): string {
  const body =
    report.outcome === 'skipped'
      ? `<div class="note">skipped: ${esc(report.skipped ?? '')}</div>`
      : report.steps.map((step) => renderStep(step, docsBase)).join('');
  return `<section class="case" data-protocol="${esc(report.protocol)}" data-outcome="${report.outcome}"><h2><span class="${report.outcome}">${MARKS[report.outcome]}</span> ${esc(report.protocol)} › ${esc(report.name)} <small>${esc(report.title)} (${report.durationMs} ms)</small></h2>${body}</section>`;
}

function select(id: string, label: string, values: readonly string[]): string {
  const options = values.map((value) => `<option value="${esc(value)}">${esc(value)}</option>`).join('');
  return `<label>${label} <select id="${id}"><option value="">all</option>${options}</select></label>`;
}

/**
 * One self-contained HTML page: per case its steps, each with the latency figures, the frames on
 * a timeline (deviations in colour, a frame's JSON on click), a histogram of the gaps between
 * frames and the deviations with their quoted frames, each linked to its rule's section of the
 * protocol pages (under `docsBase`, else the installed pages); filters by protocol, severity and rule.
 */
export function renderHtml(report: RunReport, options: { readonly docsBase?: URL | undefined } = {}): string {
  const { totals } = report;
  const all = report.cases.flatMap(caseDeviations);
  const protocols = [...new Set(report.cases.map((c) => c.protocol))];
  const rules = [...new Set(all.map((d) => d.rule))].sort();
  const stopped =
    report.error === undefined
      ? ''
      : `<div class="stopped"><b>The run stopped early (${esc(report.error.code)}):</b> ${esc(report.error.message)}${report.error.hint === undefined ? '' : ` <small>(${esc(report.error.hint)})</small>`}</div>`;
  const counts = `<div class="totals"><span class="passed">${totals.passed} passed</span><span class="warned">${totals.warned} warned</span><span class="failed">${totals.failed} failed</span><span class="skipped">${totals.skipped} skipped</span><span>${totals.errors} error(s), ${totals.warnings} warning(s)</span></div>`;
  const meta = `<div class="meta">${esc(report.target)} · started ${esc(report.startedAt)} · ${report.durationMs} ms · chatwire ${esc(report.version)}${report.strict ? ' · strict' : ''}</div>`;
  const filters = `<nav class="filters">${select('filter-protocol', 'protocol', protocols)}${select('filter-severity', 'severity', ['error', 'warn'])}${select('filter-rule', 'rule', rules)}<span class="meta"><span id="shown">${report.cases.length}</span> of ${report.cases.length} case(s)</span></nav>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chatwire report: ${esc(report.target)}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<h1>chatwire report</h1>
${meta}
${counts}
${stopped}
${filters}
<main>
${report.cases.map((c) => renderCase(c, options.docsBase)).join('\n')}
</main>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
}
