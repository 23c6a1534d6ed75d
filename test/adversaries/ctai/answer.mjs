// Builds answers: the packet list of a stream and the non-streaming JSON object.

// The answer echoes the question and, within one session, the previous question of that session
// (so multi-turn behaviour, and any leak between sessions, is visible on the wire).
export function buildAnswer(query, prev) {
  const q = Array.from(query).slice(0, 200).join('');
  let text = `您好！关于「${q}」，根据知识库的资料，这里是回答。`;
  if (prev !== null && prev !== undefined) {
    text += `上一轮您问的是「${Array.from(prev).slice(0, 200).join('')}」。`;
  }
  return `${text} Hope this helps 😊`;
}

const rand = (a, b) => a + Math.floor(Math.random() * (b - a + 1));

function chunkText(text, o) {
  const cps = Array.from(text); // never split a code point inside the JSON
  if (o.singleChunk) return [cps.join('')];
  const min = Math.ceil(cps.length / o.maxPackets);
  const out = [];
  for (let i = 0; i < cps.length;) {
    const n = Math.max(min, rand(1, 4));
    out.push(cps.slice(i, i + n).join(''));
    i += n;
  }
  return out;
}

const refDoc = (id) => ({ doc_id: id, doc_name: `${id}.pdf`, page: '1' });

function followUps(query) {
  const q = Array.from(query).slice(0, 20).join('');
  return [`关于「${q}」还有哪些注意事项？`, 'How long does the trip take?'];
}

function withExtras(pkt, ctx, env) {
  if (!env.o.extra) return pkt;
  pkt.request_id = `rq-${env.state.counter}`;
  pkt.cost_ms = String(rand(3, 90));
  pkt.data.session_id = ctx.sid;
  pkt.data.create_time = new Date().toISOString();
  pkt.data.model = 'ctai-pro-2';
  return pkt;
}

function extendInfo(ctx) {
  return {
    ialgo_extend_info: {
      return_type: 'llm_return',
      doc_score: ctx.citation ? ctx.docs.map((d, i) => ({ doc_id: d, score: (1.233 - i * 0.2).toFixed(3) })) : [],
    },
  };
}

export function buildPackets(ctx, env) {
  const { o } = env;
  const full = o.fields === 'full';
  const chunks = chunkText(ctx.text, o);
  const cites = ctx.citation ? ctx.docs : [];
  const packets = [];
  chunks.forEach((chunk, i) => {
    const data = { msg_id: env.nextId(ctx.sid), msg_sn: String(i), event: '', answer_text: chunk };
    if (full) {
      // a middle packet lists only the citations of its own content
      const own = [];
      if (cites[0] && i === 0) own.push(refDoc(cites[0]));
      if (cites[1] && i === chunks.length - 1) own.push(refDoc(cites[1]));
      Object.assign(data, { ref_doc_list: own, follow_up_list: [], illegal_status: '0', extend_info: {} });
    }
    packets.push(withExtras(full ? { ret: '0', msg: '', data } : { ret: '0', data }, ctx, env));
  });
  const stop = { msg_id: env.nextId(ctx.sid), msg_sn: String(chunks.length), event: 'stop', answer_text: '' };
  if (full) {
    Object.assign(stop, {
      ref_doc_list: cites.map(refDoc),
      follow_up_list: ctx.followup ? followUps(ctx.query) : [],
      illegal_status: '0',
      extend_info: extendInfo(ctx),
    });
  }
  packets.push(withExtras(full ? { ret: '0', msg: '', data: stop } : { ret: '0', data: stop }, ctx, env));
  return packets;
}

// Non-streaming answer: the same envelope, data holding the whole answer.
export function buildPlain(ctx, env) {
  const data = { msg_id: env.nextId(ctx.sid), answer_text: ctx.text };
  if (env.o.fields === 'full') {
    Object.assign(data, {
      ref_doc_list: ctx.citation ? ctx.docs.map(refDoc) : [],
      follow_up_list: ctx.followup ? followUps(ctx.query) : [],
      illegal_status: '0',
      extend_info: extendInfo(ctx),
    });
  }
  const pkt = env.o.fields === 'full' ? { ret: '0', msg: '', data } : { ret: '0', data };
  return withExtras(pkt, ctx, env);
}

// A refusal inside a stream: ret != "0" with a msg; it is the only, and so the stop, packet.
export function errorPacket(ret, msg, msgId) {
  return { ret, msg, data: { msg_id: msgId, msg_sn: '0', event: 'stop', answer_text: '' } };
}
