import { caseDeviations, failsRun, whereOf, type ReportedDeviation, type RunReport } from './model.js';

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
  return `[${deviation.known === undefined ? deviation.severity : `known ${deviation.severity}`}] ${deviation.rule}${where}: ${deviation.message}${expected}${frame}\n  see ${deviation.source.doc}, ${deviation.source.section}`;
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
      const failure =
        fails.length === 0
          ? ''
          : `\n      <failure message="${escapeXml(`${fails.length} deviation(s): ${[...new Set(fails.map((d) => d.rule))].join(', ')}`)}" type="deviation">${escapeXml(fails.map(describeDeviation).join('\n'))}</failure>`;
      const out = notes.length === 0 ? '' : `\n      <system-out>${escapeXml(notes.map(describeDeviation).join('\n'))}</system-out>`;
      if (c.outcome === 'skipped') return `    <testcase ${attrs}>\n      <skipped message="${escapeXml(c.skipped ?? '')}"/>\n    </testcase>`;
      return failure === '' && out === '' ? `    <testcase ${attrs}/>` : `    <testcase ${attrs}>${failure}${out}\n    </testcase>`;
    });
    const skipped = cases.filter((c) => c.outcome === 'skipped').length;
    return `  <testsuite name="${escapeXml(protocol)}" tests="${cases.length}" failures="${failing.length}" errors="0" skipped="${skipped}" time="${time}">\n${testcases.join('\n')}\n  </testsuite>`;
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
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="chatwire" tests="${report.cases.length + stale.length}" failures="${failures}" errors="0" time="${(report.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
