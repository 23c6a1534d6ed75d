#!/usr/bin/env node
import { processIo } from './io.js';

// A reader that goes away (`chatwire rules | head`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit();
  throw error;
});

const args = process.argv.slice(2);
const io = processIo();

/** `chatwire --version` answers before the program (commander, every command's options) loads. */
async function run(): Promise<number> {
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    const { version } = await import('../core/version.js');
    io.stdout.write(`${version}\n`);
    return 0;
  }
  // Before the program loads: what survives loading it is what grows the young generation.
  if (args[0] !== undefined) io.tuneCollector?.(args[0]);
  const { runCli } = await import('./program.js');
  return runCli(args, io);
}

// The one place that sets the exit code.
process.exitCode = await run();
// The command has answered: a connection a hostile server holds open must not keep the process
// (and its exit code) waiting. Writes to pipes and files are synchronous here, so nothing is lost.
setTimeout(() => process.exit(), 1_000).unref();
