import { join, relative } from 'node:path';
import { parseInput, readJsonFile } from '../core/input.js';
import { packageRoot, suitesDir } from '../core/paths.js';
import type { Protocol } from '../protocols/protocol.js';
import { checkSuite } from './check.js';
import { SuiteFile, type Suite } from './suite-file.js';

export { SuiteFile, type Suite, type SuiteCase, type SuiteStep } from './suite-file.js';

/** Loads a protocol's suite (its own by default), checked by its schema and against the protocol. */
export function loadSuite(protocol: Protocol, path: string = join(suitesDir, `${protocol.id}.json`)): Suite {
  const display = relative(packageRoot, path).startsWith('..') ? path : relative(packageRoot, path);
  const suite = parseInput(SuiteFile, readJsonFile(path, 'suite'), `suite ${display}`, { hint: 'see schemas/chatwire/suite.schema.json' });
  checkSuite(suite, protocol, display);
  return suite;
}
