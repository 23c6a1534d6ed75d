// One server of the fifth round, in its own process: FAMILY (ctai | fastgpt) and OPTIONS (its
// switches, JSON) from the environment; prints "PORT n" once it listens.
import { startCtai } from './ctai.mjs';
import { startFastgpt } from './fastgpt.mjs';

const start = { ctai: startCtai, fastgpt: startFastgpt }[process.env.FAMILY ?? ''];
if (start === undefined) throw new Error(`serve.mjs: FAMILY must be ctai or fastgpt, not ${process.env.FAMILY}`);
const server = await start(JSON.parse(process.env.OPTIONS ?? '{}'), () => undefined);
console.log(`PORT ${server.port}`);
