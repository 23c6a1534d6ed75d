// tsc does not keep the executable bit; the bin must have it for npx and for spawned e2e tests.
import { chmodSync } from 'node:fs';

chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
