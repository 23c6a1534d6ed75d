import { Command, CommanderError } from 'commander';
import { ChatwireError, describeError, isChatwireError } from '../core/errors.js';
import { version } from '../core/version.js';
import type { CliIo } from './io.js';
import { baselineOptions, mockOptions, recordOptions, rulesOptions, runOptions, specOptions, typesOptions } from './commands/options.js';
import { validateOptions } from './commands/options-validate.js';
import { loadOptions, mergeOptions } from './commands/options-load.js';
import { proxyOptions } from './commands/options-proxy.js';
import { docsBaseOf } from './docs-base.js';
import { addOptions } from './spec.js';
import { faultCatalogue } from '../mock/faults.js';

/** The fault overlays, for the mock's --help. */
function faultHelp(): string {
  const lines = faultCatalogue().map(
    ({ usage, description, transports }) =>
      `  ${usage.padEnd(26)} ${description}${transports.includes('http') ? '' : ' (Socket.IO only)'}${transports.includes('socketio') ? '' : ' (HTTP only)'}`,
  );
  return [
    '',
    'Fault overlays (--fault, the x-chatwire-fault header or ?fault=, use() in code; frames count from 1):',
    ...lines,
    '',
    'A request picks its scenario with x-chatwire-scenario: NAME or PROTOCOL=NAME[, …] (or ?scenario=).',
  ].join('\n');
}

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

  addOptions(
    program
      .command('run')
      .description('Run the conformance suites against a backend (or, without --target, the embedded mock)')
      .argument('[protocols...]', 'protocol ids (default: all)'),
    runOptions,
  ).action(async (protocols: string[], options: Record<string, unknown>) => {
    // Each command loads what it needs when it runs: validate need not load socket.io.
    const { runCommand } = await import('./commands/run.js');
    setExitCode(await runCommand(protocols, options, io));
  });

  addOptions(
    program
      .command('load')
      .description('Many sessions at once for a while, every exchange judged as run judges it, plus cross-talk between sessions')
      .argument('<protocol>', 'protocol id'),
    loadOptions,
  ).action(async (protocol: string, options: Record<string, unknown>) => {
    const { loadCommand } = await import('./commands/load.js');
    setExitCode(await loadCommand(protocol, options, io));
  });

  addOptions(
    program
      .command('merge')
      .description('Merge JSON reports (of run or load, from several machines) into one; exits as the merged result')
      .argument('<reports...>', 'JSON report files (-r json -o FILE)'),
    mergeOptions,
  ).action(async (files: string[], options: Record<string, unknown>) => {
    const { mergeCommand } = await import('./commands/merge.js');
    setExitCode(await mergeCommand(files, options, io));
  });

  addOptions(
    program.command('mock').description('Serve the scripted scenarios of every protocol until interrupted').addHelpText('after', faultHelp()),
    mockOptions,
  ).action(async (options: Record<string, unknown>) => {
    const { mockCommand } = await import('./commands/mock.js');
    setExitCode(await mockCommand(options, io));
  });

  addOptions(
    program
      .command('validate')
      .description('Check a saved answer (a text/event-stream body or a JSON answer) offline')
      .argument('<file>', 'the saved body, or - for standard input'),
    validateOptions,
  ).action(async (file: string, options: Record<string, unknown>) => {
    const { validateCommand } = await import('./commands/validate.js');
    setExitCode(await validateCommand(file, options, io));
  });

  addOptions(
    program
      .command('record')
      .description("Record a backend's answers to a protocol's valid cases (or to one --request) as JSON Lines, for validate and for the mock to replay")
      .argument('<protocol>', 'protocol id'),
    recordOptions,
  ).action(async (protocol: string, options: Record<string, unknown>) => {
    const { recordCommand } = await import('./commands/record.js');
    setExitCode(await recordCommand(protocol, options, io));
  });

  addOptions(
    program
      .command('proxy')
      .description("Pass a real client's traffic to a backend unchanged, judging requests and answers frame by frame as they pass")
      .argument('<protocol>', 'protocol id'),
    proxyOptions,
  ).action(async (protocol: string, options: Record<string, unknown>) => {
    const { proxyCommand } = await import('./commands/proxy.js');
    setExitCode(await proxyCommand(protocol, options, io));
  });

  addOptions(
    program
      .command('rules')
      .description('List every rule with its id, severity, basis and document section')
      .argument('[protocols...]', 'protocol ids (default: all)'),
    rulesOptions,
  ).action(async (protocols: string[], options: Record<string, unknown>) => {
    const { rulesCommand } = await import('./commands/rules.js');
    setExitCode(await rulesCommand(protocols, options, io));
  });

  addOptions(
    program
      .command('spec')
      .description("Print a protocol's API description (OpenAPI for HTTP and polling, AsyncAPI for Socket.IO), generated from its schemas")
      .argument('<protocol>', 'protocol id'),
    specOptions,
  ).action(async (protocol: string, options: Record<string, unknown>) => {
    const { specCommand } = await import('./commands/spec.js');
    setExitCode(await specCommand(protocol, options, io));
  });

  addOptions(
    program
      .command('types')
      .description("Write TypeScript types of the protocols' messages (<protocol>.ts) for your own code")
      .argument('[protocols...]', 'protocol ids (default: all)'),
    typesOptions,
  ).action(async (protocols: string[], options: Record<string, unknown>) => {
    const { typesCommand } = await import('./commands/types.js');
    setExitCode(await typesCommand(protocols, options, io));
  });

  addOptions(
    program
      .command('baseline')
      .description('Write a baseline for run --baseline from a JSON report (chatwire run -r json -o REPORT.json): every rule each case broke')
      .argument('<report>', 'the JSON report'),
    baselineOptions,
  ).action(async (report: string, options: Record<string, unknown>) => {
    const { baselineCommand } = await import('./commands/baseline.js');
    setExitCode(baselineCommand(report, options, io));
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
    // Checked before any work, so that a mistyped base fails at once rather than when the reports are written.
    docsBaseOf(io.env);
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
    const wrapped = new ChatwireError('INTERNAL', `Failed to finish: ${describeError(error)}`, {
      hint: 'this is a chatwire bug; please report it with the command line',
    });
    io.stderr.write(`chatwire: ${wrapped.toLine()}\n`);
    return 2;
  }
}
