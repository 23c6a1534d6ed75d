import { writeOutput } from '../write-output.js';
import { SchemaFiles } from '../../core/bundle.js';
import { ChatwireError } from '../../core/errors.js';
import { selectProtocols } from '../../protocols/index.js';
import { transportOf } from '../../transports/index.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { specOptions } from './options.js';

const SpecOptions = optionsSchema(specOptions);

/** chatwire spec PROTOCOL [--format openapi|asyncapi] [-o FILE]: the protocol's API description, from its declaration and schemas/. */
export async function specCommand(protocolName: string, raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(SpecOptions, raw, 'spec');
  const [protocol] = await selectProtocols([protocolName]);
  if (protocol === undefined) throw new ChatwireError('UNKNOWN_PROTOCOL', `Failed to find protocol "${protocolName}"`);
  const { api, travels } = transportOf(protocol);
  if (options.format !== undefined && options.format !== api.format) {
    throw new ChatwireError(
      'BAD_OPTION',
      `Failed to describe ${protocol.id} as ${options.format}: its answers travel as ${travels}, described by ${api.format}`,
      {
        hint: `run chatwire spec ${protocol.id} --format ${api.format}`,
      },
    );
  }
  const text = `${JSON.stringify(api.describe(new SchemaFiles()), null, 2)}\n`;
  if (!writeOutput(text, options.output, io)) return 0;
  io.stderr.write(`wrote ${options.output}: the ${api.format} description of ${protocol.id}\n`);
  return 0;
}
