// Starts one server of the fourth audit round: `FAMILY=<family> OPTIONS=<json> node serve.mjs`.
// Prints "PORT <n>" once it listens; stops on SIGTERM.
import { makeCtai } from './ct-ctai.mjs';
import { makeTasks } from './ct-tasks.mjs';
import { startFastgpt } from './fg-fastgpt.mjs';
import { startPy } from './fg-fastgptpy.mjs';
import { startCtai as startMixingCtai, startTasks as startMixingTasks } from './pq-http.mjs';

const options = JSON.parse(process.env.OPTIONS ?? '{}');
// Functions cannot travel in JSON: the packet mutations the variants use, by name.
const MUTATIONS = {
  // Success labelled as an HTTP code: ret "200", msg "success" on every packet.
  ret200: (packets) => packets.map((packet) => ({ ...packet, ret: '200', msg: 'success' })),
};
if (typeof options.mutatePackets === 'string') options.mutatePackets = MUTATIONS[options.mutatePackets];
const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const families = {
  ctai: () => listen(makeCtai(options)),
  tasks: () => listen(makeTasks(options)),
  fastgpt: async () => (await startFastgpt(options)).port,
  'fastgpt-py': async () => (await startPy(options)).port,
  'ctai-whole': async () => (await startMixingCtai(options)).port,
  'tasks-whole': async () => (await startMixingTasks(options)).port,
};
const start = families[process.env.FAMILY ?? ''];
if (start === undefined) throw new Error(`FAMILY must be one of ${Object.keys(families).join(', ')}`);
process.on('SIGTERM', () => process.exit(0));
console.log(`PORT ${await start()}`);
