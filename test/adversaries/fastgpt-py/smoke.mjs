// Starts every variant, sends documented requests to each, prints one line per variant, closes all.
// Each line: id, expect, one streaming + one non-streaming answer summary, and the self-check verdict
// (check.mjs + check-extra.mjs, written from the document) which must agree with `expect`.
import { variants } from './servers.mjs';
import { check, parseSse, post } from './check.mjs';
import { checkExtra } from './check-extra.mjs';

const started = await Promise.all(variants.map(async (v) => ({ v, s: await v.start() })));
let disagree = 0;
await Promise.all(
  started.map(async ({ v, s }) => {
    const body = { sessionId: `smoke-${v.id}`, timeStamp: new Date().toISOString(), text: '发生了交通事故' };
    const st = await post(s.url, body, { stream: true });
    const pl = await post(s.url, { ...body, sessionId: body.sessionId + '-p' });
    const evs = parseSse(st.text).map((e) => e.event);
    const findings = [...(await check(s.url)), ...(await checkExtra(s.url))];
    const verdict = findings.length ? 'fail' : 'pass';
    if (verdict !== v.expect) disagree++;
    v.line = [
      `${verdict === v.expect ? 'ok  ' : 'DIFF'} ${v.id.padEnd(36)} expect=${v.expect}`,
      `stream=${st.status} ${evs.length} events${st.timedOut ? ' (held open)' : ''}`,
      `plain=${pl.status} ${pl.type.split(';')[0]}`,
      findings.length ? `| ${findings.slice(0, 3).join('; ')}` : '',
    ].join('  ');
  }),
);
for (const v of variants) console.log(v.line);
await Promise.all(started.map(({ s }) => s.close()));
console.log(`${variants.length} variants (${variants.filter((v) => v.expect === 'pass').length} pass, ${variants.filter((v) => v.expect === 'fail').length} fail), ${disagree} disagreements`);
process.exit(disagree ? 1 : 0);
