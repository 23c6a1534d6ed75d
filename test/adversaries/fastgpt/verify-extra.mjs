// Second-round self-check (a copy of verify.mjs, adjusted): a leading BOM is stripped as the
// WHATWG event-stream parser does, refusals are judged by the envelope (non-200 code, no data)
// and not by HTTP status (digest fastgpt Auth decision), and further scenarios are added
// (concurrent chats, refused mutations, delete scope). Usage: node verify-extra.mjs [variant-id ...]
import { variants } from './servers.mjs';

function parseSse(text) {
  text = text.replace(/^\uFEFF/, '');
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // incomplete last line (or '' after a final EOL)
  const events = [];
  let type = '';
  let data = [];
  for (const line of lines) {
    if (line === '') { if (data.length) events.push({ event: type || 'message', data: data.join('\n') }); type = ''; data = []; continue; }
    if (line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  return events;
}

async function call(s, method, path, { key = s.token, body, raw, timeout = 3000 } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  const ac = new AbortController();
  const res = await fetch(s.url + path, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)), signal: ac.signal });
  const reader = res.body.getReader();
  const chunks = [];
  let ended = false;
  const t = setTimeout(() => ac.abort(), timeout);
  try { for (;;) { const { value, done } = await reader.read(); if (done) { ended = true; break; } chunks.push(Buffer.from(value)); } } catch { /* aborted */ }
  clearTimeout(t);
  const text = Buffer.concat(chunks).toString('utf8');
  let json; try { json = JSON.parse(text); } catch { /* not json */ }
  return { status: res.status, ct: res.headers.get('content-type') || '', text, json, ended };
}

const isObj = (x) => x && typeof x === 'object' && !Array.isArray(x);
const STREAM_EVENTS = ['answer', 'fastAnswer', 'flowNodeStatus', 'flowResponses', 'toolCall', 'toolParams', 'toolResponse', 'updateVariables', 'interactive', 'workflowDuration', 'chatTitle', 'plan', 'planStatus'];

function checkStream(r, detail, v, where) {
  if (!r.ct.startsWith('text/event-stream')) v(`${where}: content-type ${r.ct}`);
  if (r.status !== 200) v(`${where}: status ${r.status}`);
  if (!r.ended) v(`${where}: stream not closed`);
  const evs = parseSse(r.text);
  const doneIdx = evs.map((e, i) => (e.data === '[DONE]' ? i : -1)).filter((i) => i >= 0);
  if (doneIdx.length !== 1) v(`${where}: ${doneIdx.length} [DONE] frames`);
  const di = doneIdx[0] ?? evs.length;
  let text = '', stopAt = -1, flows = 0;
  let interactive = null, flow = null;
  evs.forEach((e, i) => {
    if (e.data === '[DONE]') { if (e.event !== (detail ? 'answer' : 'message')) v(`${where}: [DONE] as event ${e.event}`); return; }
    let d; try { d = JSON.parse(e.data); } catch { return v(`${where}: non-JSON data in ${e.event}: ${e.data.slice(0, 40)}`); }
    if (!detail && !['message', 'chatTitle'].includes(e.event)) v(`${where}: event ${e.event} with detail=false`);
    if (detail && !STREAM_EVENTS.includes(e.event)) v(`${where}: unknown/unnamed event ${e.event}`);
    if (i > di && !(detail && e.event === 'flowResponses')) v(`${where}: ${e.event} after [DONE]`);
    if (e.event === 'message' || e.event === 'answer' || e.event === 'fastAnswer') {
      const c = d?.choices?.[0];
      if (!Array.isArray(d?.choices) || !isObj(c?.delta)) return v(`${where}: chunk without choices[0].delta`);
      if (c.finish_reason === 'stop') { if (stopAt < 0) stopAt = i; else v(`${where}: second stop chunk`); }
      else if (c.finish_reason !== null && c.finish_reason !== undefined) v(`${where}: finish_reason ${c.finish_reason}`);
      if (typeof c.delta.content === 'string') { if (stopAt >= 0 && c.delta.content) v(`${where}: content after stop`); text += c.delta.content; }
    }
    if (e.event === 'flowResponses') { flows++; flow = d; if (!Array.isArray(d)) v(`${where}: flowResponses not an array`); }
    if (e.event === 'flowNodeStatus' && (d.status !== 'running' || typeof d.name !== 'string')) v(`${where}: bad flowNodeStatus`);
    if (e.event === 'interactive') interactive = d.interactive;
  });
  if (stopAt < 0) v(`${where}: no stop chunk`); else if (stopAt > di) v(`${where}: stop chunk after [DONE]`);
  if (detail && flows !== 1) v(`${where}: ${flows} flowResponses`);
  return { text, interactive, flow, evs };
}

function checkJson(r, detail, v, where) {
  if (r.status !== 200 || !r.ct.includes('application/json') || !isObj(r.json)) return v(`${where}: ${r.status} ${r.ct} ${r.text.slice(0, 60)}`);
  const c = r.json.choices?.[0];
  if (c?.message?.role !== 'assistant' || c.finish_reason !== 'stop') v(`${where}: bad choices[0]`);
  if (!detail && typeof c?.message?.content !== 'string') v(`${where}: content not a string`);
  if (!detail && 'responseData' in r.json) v(`${where}: responseData with detail=false`);
  if (detail && !Array.isArray(r.json.responseData)) v(`${where}: no responseData array`);
  if (typeof r.json.id !== 'string' || !isObj(r.json.usage)) v(`${where}: id/usage`);
  return r.json;
}

function checkRefused(r, stream, v, where) {
  if (r.ct.startsWith('text/event-stream') || (stream && r.status === 200 && !r.json)) {
    const evs = parseSse(r.text);
    const err = evs.find((e) => e.event === 'error');
    if (!err) return v(`${where}: no error event (${r.text.slice(0, 60)})`);
    let d; try { d = JSON.parse(err.data); } catch { return v(`${where}: error data not JSON`); }
    if (typeof d.message !== 'string') v(`${where}: error without message`);
    if (evs.some((e) => e.data === '[DONE]' || e.event === 'answer' || e.event === 'message')) v(`${where}: answer/[DONE] after error`);
    return;
  }
  const j = r.json;
  if (!isObj(j) || typeof j.code !== 'number' || typeof j.message !== 'string' || !('statusText' in j)) return v(`${where}: not an envelope: ${r.status} ${r.text.slice(0, 80)}`);
  if (j.code === 200) v(`${where}: success code`);
  if (j.data !== null && j.data !== undefined) v(`${where}: data on error`);
  if (r.status >= 300 && r.status < 400) v(`${where}: HTTP ${r.status}`);
}

function checkOk(r, v, where) {
  const j = r.json;
  if (r.status !== 200 || !isObj(j) || j.code !== 200 || typeof j.message !== 'string' || !('data' in j)) { v(`${where}: ${r.status} ${r.text.slice(0, 80)}`); return undefined; }
  return j.data;
}

async function scenario(s) {
  const out = [];
  const v = (m) => out.push(m);
  const P = '/api/v1/chat/completions';
  const uid = Math.random().toString(36).slice(2, 8);
  const q = (content) => [{ role: 'user', content }];
  const c1 = `c1-${uid}`, c2 = `c2-${uid}`;
  // chat app, four modes, two turns on c1
  checkJson(await call(s, 'POST', P, { body: { chatId: c1, stream: false, detail: false, messages: q('你好') } }), false, v, 'json');
  const jd = checkJson(await call(s, 'POST', P, { body: { chatId: c1, stream: false, detail: true, messages: q('第二问') } }), true, v, 'json-detail');
  const a = checkStream(await call(s, 'POST', P, { body: { chatId: c2, stream: true, detail: false, messages: q('电影') } }), false, v, 'sse');
  if (!a.text) v('sse: empty answer');
  const b = checkStream(await call(s, 'POST', P, { body: { chatId: c2, stream: true, detail: true, messages: q('导演是谁') } }), true, v, 'sse-detail');
  if (!b.text) v('sse-detail: empty answer');
  checkStream(await call(s, 'POST', P, { body: { stream: true, detail: false, messages: [{ role: 'user', content: [{ type: 'text', text: '看图' }, { type: 'image_url', image_url: { url: 'http://x/y.png' } }] }] } }), false, v, 'sse-parts');
  // select app
  const sc = `sel-${uid}`;
  const s1 = checkStream(await call(s, 'POST', P, { key: s.vars.selectAppKey, body: { chatId: sc, stream: true, detail: true, messages: q('开始') } }), true, v, 'select');
  const opt = s1.interactive?.params?.userSelectOptions?.[0]?.value;
  if (s1.interactive?.type !== 'userSelect' || !opt) v('select: no userSelect interactive');
  const s2 = checkStream(await call(s, 'POST', P, { key: s.vars.selectAppKey, body: { chatId: sc, stream: true, detail: true, messages: q(opt || 'Confirm') } }), true, v, 'select-continue');
  if (s2.interactive || !s2.text) v('select-continue: no AI answer after the choice');
  // form app (non-stream)
  const fc = `form-${uid}`;
  const f1 = checkJson(await call(s, 'POST', P, { key: s.vars.formAppKey, body: { chatId: fc, stream: false, detail: true, messages: q('开始') } }), true, v, 'form');
  const inter = Array.isArray(f1?.choices?.[0]?.message?.content) ? f1.choices[0].message.content.find((x) => x.type === 'interactive')?.interactive : null;
  if (inter?.type !== 'userInput' || !Array.isArray(inter.params?.inputForm)) v('form: no userInput interactive in content');
  const values = Object.fromEntries((inter?.params?.inputForm || []).map((f) => [f.key, f.valueType === 'number' ? 7 : 'x']));
  const f2 = checkJson(await call(s, 'POST', P, { key: s.vars.formAppKey, body: { chatId: fc, stream: false, detail: true, messages: q(JSON.stringify(values)) } }), true, v, 'form-continue');
  if (typeof f2?.choices?.[0]?.message?.content !== 'string' && !Array.isArray(f2?.choices?.[0]?.message?.content)) v('form-continue: no answer');
  if (Array.isArray(f2?.choices?.[0]?.message?.content) && f2.choices[0].message.content.some((x) => x.type === 'interactive')) v('form-continue: asked again');
  // plugin
  const p1 = checkJson(await call(s, 'POST', P, { key: s.vars.pluginAppKey, body: { stream: false, variables: { query: '你好' } } }), true, v, 'plugin');
  if (!p1?.responseData?.some?.((x) => x.moduleType === 'pluginOutput' && isObj(x.pluginOutput))) v('plugin: no pluginOutput');
  const p2 = checkStream(await call(s, 'POST', P, { key: s.vars.pluginAppKey, body: { stream: true, variables: { query: '你好' } } }), true, v, 'plugin-sse');
  if (!Array.isArray(p2.flow) || !p2.flow.some((x) => x.moduleType === 'pluginOutput')) v('plugin-sse: no pluginOutput');
  // refusals
  for (const stream of [false, true]) {
    checkRefused(await call(s, 'POST', P, { key: '', body: { stream, messages: q('hi') } }), stream, v, `nokey-${stream}`);
    checkRefused(await call(s, 'POST', P, { key: 'fastgpt-wrong', body: { stream, messages: q('hi') } }), stream, v, `badkey-${stream}`);
    checkRefused(await call(s, 'POST', P, { body: { stream, messages: [] } }), stream, v, `empty-${stream}`);
    checkRefused(await call(s, 'POST', P, { body: { stream, messages: 'hi' } }), stream, v, `notarray-${stream}`);
  }
  checkRefused(await call(s, 'POST', P, { raw: '{"messages": [' }), false, v, 'badjson');
  const H = '/api/core/chat/history/';
  checkRefused(await call(s, 'POST', H + 'getHistories', { key: '', body: { appId: s.vars.appId } }), false, v, 'rec-nokey');
  checkRefused(await call(s, 'POST', H + 'getHistories', { key: 'fastgpt-wrong', body: { appId: s.vars.appId } }), false, v, 'rec-badkey');
  // records
  const appId = s.vars.appId;
  const hist = checkOk(await call(s, 'POST', H + 'getHistories', { body: { appId, offset: 0, pageSize: 100, source: 'api' } }), v, 'getHistories');
  if (!hist?.list?.some((c) => c.chatId === c1) || typeof hist?.total !== 'number') v('getHistories: c1 missing');
  const one = checkOk(await call(s, 'POST', H + 'getHistories', { body: { appId, offset: 0, pageSize: 1 } }), v, 'getHistories-page');
  if (one?.list?.length !== 1) v(`getHistories pageSize 1 -> ${one?.list?.length}`);
  checkOk(await call(s, 'POST', H + 'updateHistory', { body: { appId, chatId: c1, customTitle: '自定义标题' } }), v, 'updateHistory');
  const h2 = checkOk(await call(s, 'POST', H + 'getHistories', { body: { appId, offset: 0, pageSize: 100 } }), v, 'getHistories2');
  if (h2?.list?.find((c) => c.chatId === c1)?.customTitle !== '自定义标题') v('customTitle not saved');
  const rec = checkOk(await call(s, 'POST', '/api/core/chat/getPaginationRecords', { body: { appId, chatId: c1, offset: 0, pageSize: 10, loadCustomFeedbacks: true } }), v, 'records');
  if (rec?.total !== 4 || rec?.list?.length !== 4) v(`records c1: total ${rec?.total} list ${rec?.list?.length}`);
  const ai = rec?.list?.findLast?.((i) => i.obj === 'AI');
  if (ai?.dataId) {
    const rd = checkOk(await call(s, 'GET', `/api/core/chat/getResData?appId=${appId}&chatId=${c1}&dataId=${ai.dataId}`), v, 'getResData');
    if (!Array.isArray(rd) || !rd.length) v('getResData: not a non-empty array');
    checkOk(await call(s, 'POST', '/api/core/chat/feedback/updateUserFeedback', { body: { appId, chatId: c1, dataId: ai.dataId, userGoodFeedback: 'yes' } }), v, 'feedback');
    const qg = checkOk(await call(s, 'POST', '/api/core/ai/agent/v2/createQuestionGuide', { body: { appId, chatId: c1 } }), v, 'questionGuide');
    if (!Array.isArray(qg) || qg.some((x) => typeof x !== 'string')) v('questionGuide: not string[]');
    checkOk(await call(s, 'DELETE', `/api/core/chat/item/delete?contentId=${ai.dataId}&chatId=${c1}&appId=${appId}`), v, 'item/delete');
    const rec2 = checkOk(await call(s, 'POST', '/api/core/chat/getPaginationRecords', { body: { appId, chatId: c1, offset: 0, pageSize: 10 } }), v, 'records2');
    if (rec2?.total !== 3) v(`records after delete: ${rec2?.total}`);
  } else v('records: no AI item');
  const init = checkOk(await call(s, 'GET', `/api/core/chat/init?appId=${appId}&chatId=${c1}`), v, 'init');
  if (init?.appId !== appId || !isObj(init?.app)) v('init: shape');
  checkOk(await call(s, 'DELETE', `${H}delHistory?chatId=${c1}&appId=${appId}`), v, 'delHistory');
  const h3 = checkOk(await call(s, 'POST', H + 'getHistories', { body: { appId, offset: 0, pageSize: 100 } }), v, 'getHistories3');
  if (h3?.list?.some((c) => c.chatId === c1)) v('delHistory: chat still listed');
  checkOk(await call(s, 'DELETE', `${H}clearHistories?appId=${appId}`), v, 'clearHistories');
  const h4 = checkOk(await call(s, 'POST', H + 'getHistories', { body: { appId, offset: 0, pageSize: 100 } }), v, 'getHistories4');
  if (h4?.total !== 0) v(`clearHistories: ${h4?.total} left`);
  await extraScenario(s, v, uid);
  return out;
}

async function extraScenario(s, v, uid) {
  const P = '/api/v1/chat/completions';
  const H = '/api/core/chat/history/';
  const appId = s.vars.appId;
  const q = (content) => [{ role: 'user', content }];
  const hist = async () => checkOk(await call(s, 'POST', H + 'getHistories', { body: { appId, offset: 0, pageSize: 100 } }), v, 'x-getHistories');
  // concurrent chats must not mix
  const ids = [0, 1, 2, 3].map((i) => `par${i}-${uid}`);
  await Promise.all(ids.map((id, i) => call(s, 'POST', P, { body: { chatId: id, stream: i % 2 === 0, detail: false, messages: q(`问题${i}`) } })));
  for (const [i, id] of ids.entries()) {
    const rec = checkOk(await call(s, 'POST', '/api/core/chat/getPaginationRecords', { body: { appId, chatId: id, offset: 0, pageSize: 10 } }), v, 'x-records');
    const human = rec?.list?.filter((x) => x.obj === 'Human').map((x) => JSON.stringify(x.value));
    if (rec?.total !== 2 || !human?.[0]?.includes(`问题${i}`)) v(`x-parallel: chat ${i} holds ${rec?.total} records ${human}`);
  }
  // a refused mutation does nothing
  await call(s, 'DELETE', `${H}delHistory?chatId=${ids[0]}&appId=${appId}`, { key: 'fastgpt-wrong' });
  await call(s, 'POST', H + 'updateHistory', { key: '', body: { appId, chatId: ids[1], customTitle: 'HACKED' } });
  const h = await hist();
  if (!h?.list?.some((c) => c.chatId === ids[0])) v('x-refused delHistory still deleted');
  if (h?.list?.find((c) => c.chatId === ids[1])?.customTitle === 'HACKED') v('x-refused updateHistory still applied');
  for (const path of [`/api/core/chat/init?appId=${appId}&chatId=${ids[0]}`]) checkRefused(await call(s, 'GET', path, { key: 'fastgpt-wrong' }), false, v, 'x-init-badkey');
  checkRefused(await call(s, 'POST', '/api/core/chat/getPaginationRecords', { key: '', body: { appId, chatId: ids[0], offset: 0, pageSize: 10 } }), false, v, 'x-records-nokey');
  // delHistory deletes one chat only
  checkOk(await call(s, 'DELETE', `${H}delHistory?chatId=${ids[2]}&appId=${appId}`), v, 'x-delHistory');
  const h2 = await hist();
  if (h2?.list?.some((c) => c.chatId === ids[2])) v('x-delHistory: still listed');
  if (!h2?.list?.some((c) => c.chatId === ids[3])) v('x-delHistory: another chat vanished');
  // two turns on one chat keep both
  const c = `two-${uid}`;
  for (const t of ['一', '二']) checkJson(await call(s, 'POST', P, { body: { chatId: c, stream: false, detail: false, messages: q(t) } }), false, v, 'x-two');
  const rec = checkOk(await call(s, 'POST', '/api/core/chat/getPaginationRecords', { body: { appId, chatId: c, offset: 0, pageSize: 10 } }), v, 'x-two-records');
  if (rec?.total !== 4) v(`x-two: ${rec?.total} records after two turns`);
  // plugin, stream without detail: still detail mode
  const p = checkStream(await call(s, 'POST', P, { key: s.vars.pluginAppKey, body: { stream: true, variables: { query: 'x' } } }), true, v, 'x-plugin');
  if (!p.flow?.some?.((x) => x.moduleType === 'pluginOutput')) v('x-plugin: no pluginOutput');
}

const only = process.argv.slice(2);
let wrong = 0;
for (const variant of variants.filter((x) => !only.length || only.includes(x.id))) {
  const s = await variant.start();
  const t0 = Date.now();
  let found;
  try { found = await scenario(s); } catch (e) { found = [`crash: ${e.stack}`]; }
  await s.close();
  const okay = variant.expect === 'pass' ? found.length === 0 : found.length > 0;
  if (!okay) wrong++;
  console.log(`${okay ? 'ok  ' : 'BAD '} ${variant.expect} ${variant.id} (${Date.now() - t0} ms)${found.length ? '\n      ' + found.slice(0, 6).join('\n      ') : ''}`);
}
console.log(wrong ? `${wrong} variant(s) not as expected` : 'all variants as expected');
process.exit(wrong ? 1 : 0);
