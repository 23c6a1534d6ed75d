import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ChatwireError, describeError } from '../../core/errors.js';
import { packageRoot, schemasDir } from '../../core/paths.js';
import { version } from '../../core/version.js';
import { generateTypes } from '../../typegen/generate.js';
import { readSchemaFiles, schemaProtocols } from '../../core/schema-files.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { typesOptions } from './options.js';

const TypesOptions = optionsSchema(typesOptions);

/**
 * The package's generated types for one protocol. They are checked in and drift-checked against
 * schemas/, so they are what the schemas generate, without json-schema-to-typescript installed.
 */
function shippedTypes(protocol: string): string {
  const path = join(packageRoot, 'src', 'protocols', protocol, 'types.ts');
  if (!existsSync(path)) {
    throw new ChatwireError('BAD_FILE', `Failed to read the types of ${protocol}: src/protocols/${protocol}/types.ts is missing`, {
      hint: 'in a chatwire checkout, npm run types writes it; or give --schemas to generate from the schemas',
    });
  }
  const source = readFileSync(path, 'utf8');
  const body = source.slice(source.indexOf('\n') + 1);
  return `/* Types of the ${protocol} messages, from chatwire ${version} schemas/${protocol}/ (chatwire types). */\n${body}`;
}

/** Writes `<protocol>.ts` type files into --out, from the package's schemas or from a --schemas copy. */
export async function typesCommand(protocolNames: readonly string[], raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(TypesOptions, raw, 'types');
  const from = options.schemas === undefined ? schemasDir : resolve(options.schemas);
  const files = readSchemaFiles(from);
  const available = schemaProtocols(files);
  const unknown = protocolNames.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new ChatwireError('UNKNOWN_PROTOCOL', `Failed to write types for ${unknown.join(', ')}: no such folder of schemas`, {
      hint: `choose from ${available.join(', ')}`,
    });
  }
  const chosen = protocolNames.length === 0 ? available : protocolNames;
  const sources = new Map<string, string>();
  for (const protocol of chosen) {
    const banner = `/* Types of the ${protocol} messages, generated from ${join(options.schemas ?? from, protocol)}/ by chatwire types (json-schema-to-typescript). */`;
    sources.set(protocol, options.schemas === undefined ? shippedTypes(protocol) : await generateTypes(files, protocol, banner));
  }
  const out = resolve(options.out);
  try {
    mkdirSync(out, { recursive: true });
    for (const [protocol, source] of sources) {
      writeFileSync(join(out, `${protocol}.ts`), source);
      io.stdout.write(`wrote ${join(options.out, `${protocol}.ts`)}\n`);
    }
  } catch (error) {
    throw new ChatwireError('BAD_FILE', `Failed to write types into ${options.out}: ${describeError(error)}`, {
      hint: 'check that --out names a writable folder',
    });
  }
  return 0;
}
