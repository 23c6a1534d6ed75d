// Request validation from the document's request table (PROTOCOLS.md "ctai": every field is a string).
export const LANGS = ['zh_CN', 'en_US', 'ko_KR', 'ja_JP', 'th_TH'];
const SHORT_LANGS = ['zh', 'en', 'ko', 'ja', 'th'];
const STRING_FIELDS = [
  'query_text', 'ctdoc_id', 'session_id', 'enable_citation', 'enable_followup', 'enable_elaborate',
  'smart_temp', 'lang', 'context', 'stream', 'category', 'ctprofile_id',
];
const bad = (ret, msg) => ({ ret, msg });

// Returns null when the request is acceptable, else { ret, msg }.
export function validate(body, o) {
  for (const f of STRING_FIELDS) {
    if (f in body && typeof body[f] !== 'string') {
      return bad('100002', `${f} must be a string, got ${body[f] === null ? 'null' : typeof body[f]}`);
    }
  }
  if (typeof body.query_text !== 'string') return bad('100001', 'query_text is required');
  if (!body.query_text.trim()) return bad('100001', 'query_text must not be empty');

  if (o.validateSession && typeof body.session_id === 'string') {
    if (Buffer.byteLength(body.session_id, 'utf8') > 64) {
      return bad('100002', 'session_id must not exceed 64 bytes');
    }
    if (!/^[0-9A-Za-z._-]*$/.test(body.session_id)) {
      return bad('100002', 'session_id may only contain digits, letters and - _ .');
    }
  }
  if (!o.validateEnums) return null;

  for (const f of ['enable_citation', 'enable_followup', 'enable_elaborate', 'stream']) {
    if (f in body && body[f] !== '0' && body[f] !== '1') {
      return bad('100002', `${f} must be "0" or "1"`);
    }
  }
  if ('smart_temp' in body && !/^(?:[0-9]|10)$/.test(body.smart_temp)) {
    return bad('100002', 'smart_temp must be an integer from "0" to "10"');
  }
  if ('lang' in body) {
    const ok = LANGS.includes(body.lang) || (o.lenientLang && SHORT_LANGS.includes(body.lang));
    if (!ok) return bad('100002', `lang must be one of ${LANGS.join(' / ')}`);
  }
  if ('category' in body && body.category !== 'doc_chat' && body.category !== 'tpl_chat') {
    return bad('100002', 'category must be doc_chat or tpl_chat');
  }
  if (body.category === 'tpl_chat' && 'ctprofile_id' in body
      && body.ctprofile_id !== 'creator' && body.ctprofile_id !== 'writer') {
    return bad('100002', 'ctprofile_id must be creator or writer when category is tpl_chat');
  }
  return null;
}

const DEFAULT_DOCS = ['kb_bus_routes', 'kb_service_faq'];

// Documents the answer may cite: the requested ones (ASCII commas), or the whole knowledge base.
export function requestedDocs(ctdocId) {
  if (typeof ctdocId === 'string') {
    const ids = ctdocId.split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length) return ids.slice(0, 2);
  }
  return DEFAULT_DOCS.slice();
}
