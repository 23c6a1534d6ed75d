import { caseDeviations, citationOf, failsRun, whereOf, type CaseReport, type ReportedDeviation, type RunReport } from './model.js';

// Every character XML 1.0 cannot carry: the allowed ones are named, control characters among them.
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  // Characters XML cannot carry at all are dropped; the rest are escaped.
  return text.replace(XML_FORBIDDEN, '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export function describeDeviation(deviation: ReportedDeviation): string {
  const where = ` at ${whereOf(deviation)}`;
  const expected =
    deviation.expected === undefined ? '' : `\n  expected ${deviation.expected}${deviation.actual === undefined ? '' : `, got ${deviation.actual}`}`;
  const frame = deviation.type === 'frame' ? `\n  frame: ${deviation.quote}` : '';
  return `[${deviation.known === undefined ? deviation.severity : `known ${deviation.severity}`}] ${deviation.rule}${where}: ${deviation.message}${expected}${frame}\n  ${citationOf(deviation)}`;
}

/** The latency figures as testcase properties, `latency.ttft_ms`…, prefixed `stepN.` when a case timed several exchanges. */
function latencyProperties(c: CaseReport): string {
  const timed = c.steps.flatMap((step) => (step.latency === undefined ? [] : [{ index: step.index, latency: step.latency }]));
  const entries = timed.flatMap(({ index, latency }) => {
    const prefix = timed.length > 1 ? `step${index + 1}.` : '';
    const figures: [string, number | null][] = [
      ['ttfb_ms', latency.ttfbMs],
      ['ttft_ms', latency.ttftMs],
      ['gap_p50_ms', latency.gaps.p50Ms],
      ['gap_p99_ms', latency.gaps.p99Ms],
      ['gap_max_ms', latency.gaps.maxMs],
      ['total_ms', latency.totalMs],
    ];
    return figures.flatMap(([name, value]) => (value === null ? [] : [`        <property name="${prefix}latency.${name}" value="${value}"/>`]));
  });
  return entries.length === 0 ? '' : `\n      <properties>\n${entries.join('\n')}\n      </properties>`;
}

/** Why the run stopped early, as an errored testcase CI systems show beside the others. */
function stoppedSuite(report: RunReport): string {
  if (report.error === undefined) return '';
  const { code, message, hint } = report.error;
  const text = `${message}${hint === undefined ? '' : `\n${hint}`}`;
  return `  <testsuite name="chatwire" tests="1" failures="0" errors="1" skipped="0" time="0.000" timestamp="${escapeXml(report.startedAt)}">\n    <testcase classname="chatwire" name="run">\n      <error message="${escapeXml(message)}" type="${escapeXml(code)}">${escapeXml(text)}</error>\n    </testcase>\n  </testsuite>`;
}

/**
 * JUnit XML as CI systems read it: one testsuite per protocol, one testcase per case, a failure
 * per case with error deviations (and, with strict, warnings); warnings otherwise go to system-out.
 */
export function renderJunit(report: RunReport): string {
  const byProtocol = new Map<string, RunReport['cases'][number][]>();
  for (const c of report.cases) byProtocol.set(c.protocol, [...(byProtocol.get(c.protocol) ?? []), c]);
  const suites = [...byProtocol].map(([protocol, cases]) => {
    const failing = cases.filter((c) => c.outcome === 'failed' || (report.strict && c.outcome === 'warned'));
    const time = (cases.reduce((sum, c) => sum + c.durationMs, 0) / 1000).toFixed(3);
    const testcases = cases.map((c) => {
      const deviations = caseDeviations(c);
      const fails = deviations.filter((d) => failsRun(d, report.strict));
      const notes = deviations.filter((d) => !fails.includes(d));
      const attrs = `classname="chatwire.${escapeXml(protocol)}" name="${escapeXml(c.name)}" time="${(c.durationMs / 1000).toFixed(3)}"`;
      const properties = latencyProperties(c);
      const failure =
        fails.length === 0
          ? ''
          : `\n      <failure message="${escapeXml(`${fails.length} deviation(s): ${[...new Set(fails.map((d) => d.rule))].join(', ')}`)}" type="deviation">${escapeXml(fails.map(describeDeviation).join('\n'))}</failure>`;
      const out = notes.length === 0 ? '' : `\n      <system-out>${escapeXml(notes.map(describeDeviation).join('\n'))}</system-out>`;
      if (c.outcome === 'skipped') return `    <testcase ${attrs}>\n      <skipped message="${escapeXml(c.skipped ?? '')}"/>\n    </testcase>`;
      return failure === '' && out === '' && properties === ''
        ? `    <testcase ${attrs}/>`
        : `    <testcase ${attrs}>${properties}${failure}${out}\n    </testcase>`;
    });
    const skipped = cases.filter((c) => c.outcome === 'skipped').length;
    return `  <testsuite name="${escapeXml(protocol)}" tests="${cases.length}" failures="${failing.length}" errors="0" skipped="${skipped}" time="${time}" timestamp="${escapeXml(report.startedAt)}">\n${testcases.join('\n')}\n  </testsuite>`;
  });
  // Each stale baseline entry is a failing test of its own: the fix is to remove it from the file.
  const stale = report.baseline?.stale ?? [];
  if (stale.length > 0) {
    const testcases = stale.map(
      (entry) =>
        `    <testcase classname="chatwire.baseline" name="${escapeXml(`${entry.case} ${entry.rule}`)}" time="0.000">\n      <failure message="${escapeXml(`stale: ${entry.rule} no longer occurs in ${entry.case}; remove it from ${report.baseline?.file ?? ''}`)}" type="stale-baseline"/>\n    </testcase>`,
    );
    suites.push(
      `  <testsuite name="baseline" tests="${stale.length}" failures="${stale.length}" errors="0" skipped="0" time="0.000">\n${testcases.join('\n')}\n  </testsuite>`,
    );
  }
  const failures = report.cases.filter((c) => c.outcome === 'failed' || (report.strict && c.outcome === 'warned')).length + stale.length;
  const errors = report.error === undefined ? 0 : 1;
  const head = `<testsuites name="chatwire" tests="${report.cases.length + stale.length + errors}" failures="${failures}" errors="${errors}" time="${(report.durationMs / 1000).toFixed(3)}" timestamp="${escapeXml(report.startedAt)}">`;
  const body = [...suites, ...(report.error === undefined ? [] : [stoppedSuite(report)])];
  return `<?xml version="1.0" encoding="UTF-8"?>\n${[head, ...body, '</testsuites>'].join('\n')}\n`;
}
