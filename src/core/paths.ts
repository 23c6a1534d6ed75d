import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The package root: `src/core/` and `dist/core/` both sit two levels below it. */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export const schemasDir = join(packageRoot, 'schemas');
export const mocksDir = join(packageRoot, 'mocks');
export const suitesDir = join(packageRoot, 'suites');
