// ctai server (002_cba551f1a5d093b7.txt), switches in cfg, one optional fault in cfg.fault
import { startRaw, sseText, toJSON, addExtra, ctype, mkRng, sleep } from './wire.mjs';

const LANGS = ['zh_CN', 'en_US', 'ko_KR', 'ja_JP', 'th_TH'];
const DOCS = ['doc_alpha', 'doc_beta', 'doc_gamma'];

export function startCtai(cfg, log) {
  const rng = mkRng((cfg.seed || 7) * 31 + 1);
  const F = cfg.fault || '';
  const sessions = new Map();
  let gid = 0;
  const prefix = Math.random().toString(36).slice(2, 8);
  let lastQuestion = ''; // used only by the concurrency fault
  let streamCount = 0;
  const snBySession = new Map();
  const lastIdBySession = new Map();
  const J = (v) => toJSON(addExtra(v, cfg.extra), cfg, rng);
  const jsonResp = (status, obj) => ({ status, headers: [['Content-Type', ctype('application/json', cfg)]], body: J(obj) });

  function validate(b) {
    if (!b || typeof b !== 'object' || Array.isArray(b)) return 'body must be a JSON object';
    if (typeof b.query_text !== 'string' || !b.query_text) return 'query_text is required';
    for (const [k, v] of Object.entries(b)) if (typeof v !== 'string') return `${k} must be a string`;
    if (b.session_id !== undefined) {
      const lim = F === 'session-64-refused' ? 63 : 64;
      if (Buffer.byteLength(b.session_id) > lim) return 'session_id longer than 64 bytes';
      if (!(F === 'refuse-dot-underscore' ? /^[0-9A-Za-z-]*$/ : /^[0-9A-Za-z._-]*$/).test(b.session_id)) return 'session_id has characters other than 0-9A-Za-z-_.';
    }
    for (const k of ['enable_citation', 'enable_followup', 'enable_elaborate', 'stream'])
      if (b[k] !== undefined && !['0', '1'].includes(b[k])) return `${k} must be "0" or "1"`;
    if (b.smart_temp !== undefined && !/^(10|[0-9])$/.test(b.smart_temp)) return 'smart_temp must be 0-10';
    if (b.lang !== undefined && !(F === 'refuse-th' ? LANGS.slice(0, 4) : LANGS).includes(b.lang)) return 'lang must be one of ' + LANGS.join(', ');
    if (b.category !== undefined && !['doc_chat', 'tpl_chat'].includes(b.category)) return 'category invalid';
    if (b.ctprofile_id !== undefined && !['creator', 'writer'].includes(b.ctprofile_id)) return 'ctprofile_id invalid';
    return null;
  }

  function answerFor(b) {
    const sid = b.session_id;
    const hist = sid ? (sessions.get(sid) || []) : [];
    let q = b.query_text;
    let text = `您的问题是「${q}」。这是一个比较长的回答，用来测试分包：第一部分，第二部分，第三部分，结束。`;
    if (cfg.emoji) text += ' 😀👍🏽 ﷽ \u2028 ';
    if (hist.length) text += ` 本会话之前的问题：${hist.join('；')}。`;
    if (sid) sessions.set(sid, [...hist, q]);
    return text;
  }

  async function handler(req) {
    if (req.path !== '/v1/ctai/query_text_chat') return jsonResp(404, { ret: '404', msg: 'not found' });
    if (req.method !== 'POST') return jsonResp(405, { ret: '405', msg: 'method not allowed' });
    let b; let err = null;
    try { b = JSON.parse(req.body); } catch { err = 'body is not JSON'; }
    if (!err) err = validate(b);
    let streaming = b && b.stream === '1';
    if (F === 'accept-gated' && streaming && !/text\/event-stream/.test(req.headers['accept'] || '')) streaming = false;
    if (err) {
      if (F === 'refused-stored' && b && b.session_id && typeof b.query_text === 'string') {
        const h = sessions.get(b.session_id) || []; sessions.set(b.session_id, [...h, b.query_text]);
      }
      const env = { ret: F === 'refusal-ret-number' ? 40001 : F === 'refusal-ret-zero' ? '0' : '40001', msg: F === 'refusal-empty-msg' ? '' : err };
      if (cfg.refuseData) env.data = {};
      if (streaming && cfg.srefuse === 'sse400') { const r = sseResp([{ data: env }], 0); r.status = 400; return r; }
      if (streaming && cfg.srefuse === 'packet') {
        const ev = [{ data: env }];
        if (F === 'stream-refusal-with-answer') ev.push({ data: { ret: '0', msg: '', data: { msg_id: `${prefix}-r`, msg_sn: '0', event: '', answer_text: '好的' } } });
        return sseResp(ev, 0);
      }
      return jsonResp(cfg.refuse === 'env200' ? 200 : 400, env);
    }
    const cite = b.enable_citation !== '0';
    const follow = b.enable_followup !== '0';
    const scope = b.ctdoc_id ? b.ctdoc_id.split(',') : DOCS;
    if (F === 'concurrent-leak') { lastQuestion = b.query_text; await sleep(300); b = { ...b, query_text: lastQuestion }; }
    const text = answerFor(b);
    const refs = cite ? [{ doc_id: scope[0], doc_name: '文档' + scope[0], score: '1.2' }] : [];
    const fups = follow ? ['还有什么问题？'] : [];
    if (!streaming) {
      const data = { msg_id: F === 'nonstream-msgid-reuse' && lastIdBySession.get(b.session_id) ? lastIdBySession.get(b.session_id) : `${prefix}-${++gid}`, answer_text: text };
      if (F === 'nonstream-ignores-flags') { const ids = b.ctdoc_id ? ['doc_other'] : DOCS; Object.assign(data, { ref_doc_list: [{ doc_id: ids[0], doc_name: 'x', score: '1' }], follow_up_list: ['再问一个？'], illegal_status: '0', extend_info: {} }); }
      else if (cfg.optional !== 'min') Object.assign(data, { ref_doc_list: refs, follow_up_list: fups, illegal_status: '0', extend_info: { ialgo_extend_info: { return_type: 'normal_return', doc_score: refs.map((r) => ({ doc_id: r.doc_id, score: '1.233' })) } } });
      const env = { ret: '0', msg: F === 'nonstream-msg-success' ? 'success' : '', data };
      if (cfg.optional === 'min' && F !== 'nonstream-msg-success') delete env.msg;
      return jsonResp(200, env);
    }
    // stream: split text into pieces of 2-4 chars
    const chars = [...text];
    const parts = [];
    for (let i = 0; i < chars.length;) { const n = 2 + Math.floor(rng() * 3); parts.push(chars.slice(i, i + n).join('')); i += n; }
    const evs = [];
    const localBase = gid;
    const sessKey = b.session_id;
    let sn = F === 'sn-continues-turn2' && sessKey ? (snBySession.get(sessKey) || 0) : 0;
    const mk = (event, answer_text, r, f) => {
      let id = `${prefix}-${++gid}`;
      if (F === 'msgid-session-scoped') id = `${b.session_id || 'anon'}-${(sessions.get(b.session_id) || []).length}-${sn}`;
      if (F === 'msgid-per-answer') id = `pkt-${gid - localBase}`;
      let msn = String(sn++);
      if (F === 'sn-gap-after-10' && sn > 11) msn = String(sn);
      const data = { msg_id: id, msg_sn: msn, event, answer_text };
      if (cfg.optional !== 'min') Object.assign(data, { ref_doc_list: r, follow_up_list: f, illegal_status: '0', extend_info: {} });
      else { if (r.length) data.ref_doc_list = r; if (f.length) data.follow_up_list = f; }
      const pkt = { ret: '0', data };
      if (cfg.optional !== 'min') pkt.msg = '';
      return { id: cfg.ids === false ? undefined : id, data: pkt };
    };
    parts.forEach((p, i) => evs.push(mk('', p, i === 1 ? refs : [], [])));
    let stopRefs = refs;
    if (F === 'citation-disabled-stop' && !cite) stopRefs = [{ doc_id: DOCS[1], doc_name: 'x', score: '1' }];
    if (F === 'ctdoc-scope-stop' && b.ctdoc_id) stopRefs = [...refs, { doc_id: 'doc_other', doc_name: 'other', score: '0.5' }];
    evs.push(mk('stop', F === 'stop-text-space' ? ' ' : '', stopRefs, fups));
    if (F === 'stop-refdoc-null' && !cite) evs[evs.length - 1].data.data.ref_doc_list = null;
    if (sessKey) snBySession.set(sessKey, sn);
    if (sessKey) lastIdBySession.set(sessKey, `${prefix}-${gid}`);
    streamCount++;
    const hold = F === 'held-open-second' && b.session_id && (sessions.get(b.session_id) || []).length >= 2 ? 4000 : 0;
    return sseResp(evs, hold);
  }

  function sseResp(evs, hold) {
    return { status: 200, headers: [['Content-Type', ctype('text/event-stream', cfg)], ['Cache-Control', 'no-cache']], events: sseText(evs, cfg, rng), holdOpen: hold };
  }

  return startRaw(handler, cfg, log);
}
