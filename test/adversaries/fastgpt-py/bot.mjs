// The accident-report bot behind every server in this corpus.
// One session = one call: it walks 1002 (greeting) -> 1002 (injury?) -> 2000 (photos) -> 0000 (end),
// with the documented side exits 0001 / 0002 / 0003 / 1001. State is kept per sessionId.

export const STAGES = {
  '0000': '结束通话',
  '0001': '转接人工',
  '0002': '语义无法识别转接人工',
  '0003': '有人伤转接人工',
  '1001': '未准备好通话',
  '1002': '通话中',
  '2000': '进入单车拍照',
};

const clip = (s) => (s.length > 40 ? s.slice(0, 40) + '…' : s);

/**
 * @param {object} o
 * @param {boolean} [o.shareState]  FAULT hook: keep one state for every session
 * @param {string}  [o.photoCode]   code used for the photo step (default '2000')
 */
export function createBot(o = {}) {
  const sessions = new Map();
  const photoCode = o.photoCode ?? '2000';

  function stateOf(sessionId) {
    const key = o.shareState ? '*' : sessionId;
    let s = sessions.get(key);
    if (!s) sessions.set(key, (s = { step: 0, ended: false, history: [] }));
    return s;
  }

  /** @returns {{code: string, text: string}} */
  function reply(sessionId, rawText) {
    const s = stateOf(sessionId);
    const t = String(rawText ?? '').trim();
    const earlier = s.history.slice();
    s.history.push(clip(t));
    if (s.ended) return { code: '0000', text: '本次通话已结束,感谢您的来电,再见。' };
    if (t === '') return end(s, '0002', '抱歉,没有听清您的意思,正在为您转接人工客服。');
    if (/人工|客服/.test(t)) return end(s, '0001', '好的,正在为您转接人工客服,请稍候。');
    if (/伤|流血|救护/.test(t) && !/没|无|不/.test(t))
      return end(s, '0003', '了解到现场有人受伤,正在为您转接人工,请保持电话畅通。');
    if (/稍等|等一下|等等|没准备好/.test(t))
      return { code: '1001', text: '好的,您准备好之后请随时告诉我。' };
    switch (s.step++) {
      case 0:
        return { code: '1002', text: '您好,这里是事故报案助手,请问发生了什么情况?' };
      case 1:
        return { code: '1002', text: `收到,您刚才提到“${earlier.at(-1) ?? t}”。请问现场有人受伤吗?` };
      case 2:
        return { code: photoCode, text: '好的,已为您记录事故信息。接下来请对车辆进行拍照,先拍车辆前方全景。' };
      default:
        return end(s, '0000', `感谢您的配合,本次报案已记录(共${earlier.length + 1}轮),再见。`);
    }
  }

  function end(s, code, text) {
    s.ended = true;
    return { code, text };
  }

  return { reply };
}
