import { Command, CommanderError, Option } from 'commander';
import { ChatwireError, describeError, isChatwireError } from '../core/errors.js';
import { version } from '../core/version.js';
import type { CliIo } from './io.js';
import { collect } from './options.js';

/** Builds the command line. Each action stores its exit code; nothing here calls process.exit. */
function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('chatwire')
    .description('Conformance suites and a mock server for streaming chat APIs')
    .version(version)
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Errors are printed once, in our own words, by runCli.
      outputError: () => undefined,
    });

  program
    .command('run')
    .description('Run the conformance suites against a backend (or, without --target, the embedded mock)')
    .argument('[protocols...]', 'protocol ids (default: all)')
    .option('--target <url>', 'base URL of the server under test, e.g. http://127.0.0.1:8080 (documented paths are appended)')
    .option('--token <token>', 'sent as Authorization: Bearer <token>')
    .option('-H, --header <header>', 'extra request header "Name: value" (repeatable)', collect)
    .option('--timeout <duration>', 'limit for each exchange, e.g. 30s or 500ms', '30s')
    .option('--first-frame-timeout <duration>', 'how long a stream may stay silent before its first byte, event or poll answer', '15s')
    .option('--idle-timeout <duration>', 'longest silence between frames of a stream (polling: no new event, no status change)', '15s')
    .option('--close-grace <duration>', 'how long a server may keep a finished stream open', '2s')
    .option('--max-frames <n>', 'most frames read from one answer', '100000')
    .option('--max-bytes <n>', 'most bytes read from one answer', String(64 * 1024 * 1024))
    .option('--concurrency <n>', 'how many cases run at once (cases marked exclusive run alone)', '8')
    .option('-c, --case <name>', 'run only this case, "name" or "protocol/name" (repeatable)', collect)
    .option('--var <name=value>', 'a value a suite needs from the target, e.g. appId=… (repeatable; see suites/)', collect)
    .addOption(new Option('-r, --reporter <name>', 'report format').choices(['pretty', 'json', 'junit', 'github']).default('pretty'))
    .option('-o, --output <file>', 'write the report to a file (a summary still goes to stdout)')
    .option('--strict', 'warnings fail the run too')
    .addOption(new Option('--eio <version>', 'Engine.IO version for Socket.IO protocols: 4, 3 (Socket.IO 2 servers), or auto: 4 unless the server refuses it and takes 3').choices(['3', '4', 'auto']).default('auto'))
    .action(async (protocols: string[], options: Record<string, unknown>) => {
      // Each command loads what it needs when it runs: validate need not load socket.io.
      const { runCommand } = await import('./commands/run.js');
      setExitCode(await runCommand(protocols, options, io));
    });

  program
    .command('mock')
    .description('Serve the scripted scenarios of every protocol until interrupted')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '4010')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--token <token>', 'the only API key accepted by protocols with keys (default: any non-empty key)')
    .option('--protocol <id>', 'serve only this protocol (repeatable)', collect)
    .option('--scenarios <protocol=folder>', 'also load scenario files from a folder (repeatable)', collect)
    .option('--allow-auth-faults', 'with --token: let fault scenarios that accept a missing key (ok-without-key, ok-without-token) apply to any request, not only to one sending x-chatwire-token')
    .action(async (options: Record<string, unknown>) => {
      const { mockCommand } = await import('./commands/mock.js');
      setExitCode(await mockCommand(options, io));
    });

  program
    .command('validate')
    .description('Check a saved answer (a text/event-stream body or a JSON answer) offline')
    .argument('<file>', 'the saved body, or - for standard input')
    .requiredOption('--protocol <id>', 'the protocol the answer follows')
    .option('--request <file>', 'the JSON request that produced the answer (checked too, and decides stream or answer)')
    .addOption(new Option('--kind <kind>', 'what the file holds (default: guessed from its first bytes)').choices(['stream', 'answer']))
    .option('--max-frames <n>', 'most frames read')
    .option('--max-bytes <n>', 'most bytes read')
    .addOption(new Option('-r, --reporter <name>', 'report format').choices(['pretty', 'json', 'junit', 'github']).default('pretty'))
    .option('-o, --output <file>', 'write the report to a file')
    .option('--strict', 'warnings fail too')
    .action(async (file: string, options: Record<string, unknown>) => {
      const { validateCommand } = await import('./commands/validate.js');
      setExitCode(await validateCommand(file, options, io));
    });

  program
    .command('rules')
    .description('List every rule with its id, severity, basis and document section')
    .argument('[protocols...]', 'protocol ids (default: all)')
    .option('--json', 'print JSON')
    .action(async (protocols: string[], options: Record<string, unknown>) => {
      const { rulesCommand } = await import('./commands/rules.js');
      setExitCode(await rulesCommand(protocols, options, io));
    });

  return program;
}

/**
 * Runs one command line and returns its exit code: 0 conformant, 1 deviations of severity error,
 * 2 chatwire could not do its job (with a one-line reason on stderr).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      const reason = error.message.replace(/^error: /, '');
      io.stderr.write(`chatwire: Failed to parse the command line: ${reason} (see chatwire --help)\n`);
      return 2;
    }
    if (isChatwireError(error)) {
      io.stderr.write(`chatwire: ${error.toLine()}\n`);
      return 2;
    }
    const wrapped = new ChatwireError('INTERNAL', `Failed to finish: ${describeError(error)}`, { hint: 'this is a chatwire bug; please report it with the command line' });
    io.stderr.write(`chatwire: ${wrapped.toLine()}\n`);
    return 2;
  }
}
