import { describeDeviation, escapeXml } from '../report/junit.js';
import type { ClientDeviationRecord } from './exchange.js';

/** The version of the JSON client report; raised when a field changes meaning or goes away. */
export const CLIENT_REPORT_VERSION = 1;

export type ClientReportFormat = 'json' | 'junit';

/** `.xml` files get JUnit, anything else JSON. */
export function clientReportFormat(file: string): ClientReportFormat {
  return file.toLowerCase().endsWith('.xml') ? 'junit' : 'json';
}

export interface ClientReportInput {
  /** Every protocol the mock served, so that a clean client shows as passing cases. */
  readonly protocols: readonly string[];
  readonly records: readonly ClientDeviationRecord[];
  /** How many were seen in all, kept or not (the mock keeps the latest 1,000). */
  readonly total: number;
  readonly startedAt: string;
  readonly endedAt: string;
}

/** What a client under test sent wrong, for the integrator's CI: JSON, or JUnit with a case per route. */
export function renderClientReport(input: ClientReportInput, format: ClientReportFormat): string {
  const errors = input.records.filter((record) => record.deviation.severity === 'error').length;
  if (format === 'json') {
    return `${JSON.stringify(
      {
        format: 'chatwire-client-deviations',
        version: CLIENT_REPORT_VERSION,
        startedAt: input.startedAt,
        endedAt: input.endedAt,
        protocols: input.protocols,
        total: input.total,
        errors,
        deviations: input.records,
      },
      null,
      2,
    )}\n`;
  }
  const suites = input.protocols.map((protocol) => {
    const mine = input.records.filter((record) => record.protocol === protocol);
    const routes = new Map<string, ClientDeviationRecord[]>();
    for (const record of mine) routes.set(`${record.method} ${record.path}`, [...(routes.get(`${record.method} ${record.path}`) ?? []), record]);
    const cases = [...routes].map(([route, records]) => {
      const fails = records.filter((record) => record.deviation.severity === 'error');
      const notes = records.filter((record) => record.deviation.severity !== 'error');
      const attrs = `classname="chatwire.client.${escapeXml(protocol)}" name="${escapeXml(route)}"`;
      const failure =
        fails.length === 0
          ? ''
          : `\n      <failure message="${escapeXml(`${fails.length} client deviation(s): ${[...new Set(fails.map((r) => r.deviation.rule))].join(', ')}`)}" type="client-deviation">${escapeXml(fails.map((r) => `${r.at} ${describeDeviation(r.deviation)}`).join('\n'))}</failure>`;
      const out =
        notes.length === 0 ? '' : `\n      <system-out>${escapeXml(notes.map((r) => `${r.at} ${describeDeviation(r.deviation)}`).join('\n'))}</system-out>`;
      return `    <testcase ${attrs}>${failure}${out}\n    </testcase>`;
    });
    // A protocol its clients used without a fault still reports one passing case.
    if (cases.length === 0) cases.push(`    <testcase classname="chatwire.client.${escapeXml(protocol)}" name="client requests"/>`);
    const failing = [...routes.values()].filter((records) => records.some((record) => record.deviation.severity === 'error')).length;
    return `  <testsuite name="${escapeXml(`${protocol} clients`)}" tests="${cases.length}" failures="${failing}" errors="0" timestamp="${escapeXml(input.startedAt)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="chatwire mock: client deviations">\n${suites.join('\n')}\n</testsuites>\n`;
}
