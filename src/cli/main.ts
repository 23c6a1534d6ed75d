#!/usr/bin/env node
import { processIo } from './io.js';
import { runCli } from './program.js';

// A reader that goes away (`chatwire rules | head`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit();
  throw error;
});

// The one place that sets the exit code.
process.exitCode = await runCli(process.argv.slice(2), processIo());
// The command has answered: a connection a hostile server holds open must not keep the process
// (and its exit code) waiting. Writes to pipes and files are synchronous here, so nothing is lost.
setTimeout(() => process.exit(), 1_000).unref();
