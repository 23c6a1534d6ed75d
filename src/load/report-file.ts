import { readFileSync } from 'node:fs';
import { ChatwireError } from '../core/errors.js';
import type { RunReport } from '../report/model.js';
import { ReportDocument } from '../report/schema.js';

/** Reads one JSON report; a file that is not one is refused with the path and the first problem. */
export function readReport(path: string): Omit<RunReport, 'totals'> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ChatwireError('BAD_FILE', `Failed to read report ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: 'give the files that run or load wrote with -r json -o FILE',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ChatwireError('BAD_FILE', `Failed to read report ${path}: not JSON (${error instanceof Error ? error.message : String(error)})`, {
      hint: 'merge takes JSON reports: -r json -o FILE',
    });
  }
  // The published report schema (schemas/chatwire/report.schema.json): nothing in a report is dropped unread.
  const parsed = ReportDocument.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue === undefined ? '' : `/${issue.path.join('/')}`;
    throw new ChatwireError('BAD_FILE', `Failed to read report ${path}: at ${at === '/' ? 'the top' : at}: ${issue?.message ?? 'not a chatwire report'}`, {
      hint: 'merge takes JSON reports of chatwire run or load (-r json -o FILE)',
    });
  }
  const { format: _format, version: _version, tool, totals: _totals, ...report } = parsed.data;
  return { ...report, tool: 'chatwire', version: tool.replace(/^chatwire /, '') };
}
