import { closeSync, openSync } from 'node:fs';
import { ChatwireError, describeError } from '../../core/errors.js';
import { isLoopback } from '../../mock/server.js';
import { selectProtocols } from '../../protocols/index.js';
import { deviationLine, MAX_KEPT } from '../../proxy/ledger.js';
import { startProxy } from '../../proxy/server.js';
import { RecordingWriter } from '../../record/writer.js';
import { exitCodeOf } from '../../report/model.js';
import { emitReports } from '../emit.js';
import { planOutputs } from '../outputs.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { proxyOptions } from './options-proxy.js';

const ProxyOptions = optionsSchema(proxyOptions);

/** Opens the report file once at the start, so a path that cannot be written fails now, not after a day of traffic. */
function checkWritable(file: string | undefined): void {
  if (file === undefined) return;
  try {
    closeSync(openSync(file, 'a'));
  } catch (error) {
    throw new ChatwireError('BAD_OPTION', `Failed to open --output ${file}: ${describeError(error)}`, {
      hint: 'give a path in a folder that exists and can be written',
    });
  }
}

/**
 * Passes a client's traffic to --target until interrupted, judging both sides as it passes; each
 * deviation is printed as one line the moment it is found, and the report is written at the stop.
 */
export async function proxyCommand(protocolName: string, raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(ProxyOptions, raw, 'proxy');
  const [protocol] = await selectProtocols([protocolName]);
  if (protocol === undefined) throw new ChatwireError('UNKNOWN_PROTOCOL', `Failed to find protocol "${protocolName}"`, { hint: 'chatwire rules lists them' });
  // Every report's place is checked before the proxy starts (and each file created, so it can be written at the stop).
  const outputs = planOutputs(options.reporter, options.output);
  for (const { file } of outputs) checkWritable(file);
  const writer =
    options.record === undefined
      ? undefined
      : new RecordingWriter({
          out: options.record,
          protocol: protocol.id,
          target: options.target,
          redact: { headers: options.redactHeader, fields: options.redactField },
        });
  const proxy = await startProxy({
    protocol,
    target: options.target,
    host: options.host,
    port: options.port,
    limits: { maxFrames: options.maxFrames, maxBytes: options.maxBytes, idleMs: options.idleTimeout, closeGraceMs: options.closeGrace },
    observer: writer,
    onDeviation: (entry) => io.stderr.write(`chatwire proxy: ${deviationLine(entry)}\n`),
    onLog: (line) => io.stderr.write(`chatwire proxy: ${line}\n`),
  });
  io.stdout.write(`chatwire proxy (${protocol.id}) listening on ${proxy.url}, passing traffic to ${options.target}\n`);
  io.stdout.write(`  deviations: printed as they are found, and at ${proxy.url}/_chatwire/deviations\n`);
  if (writer !== undefined) io.stdout.write(`  recording to ${options.record ?? ''}\n`);
  if (!isLoopback(options.host))
    io.stderr.write(`chatwire: warning: the proxy listens on ${options.host}: anyone who can reach it can use the backend with the credentials they send\n`);
  io.stdout.write('Press Ctrl+C to stop.\n');
  await io.untilStopped();
  await proxy.close();
  writer?.close();
  const report = proxy.ledger.report(options.target, options.strict);
  emitReports(report, outputs, { progressShown: true }, io);
  const { dropped } = proxy.ledger;
  if (dropped > 0)
    io.stderr.write(
      `chatwire proxy: ${dropped} exchange(s) left out of the report (it keeps the newest ${MAX_KEPT.toLocaleString('en')}, passed ones dropped first); its totals count them all\n`,
    );
  return options.failOnDeviation ? exitCodeOf(report.totals, options.strict) : 0;
}
