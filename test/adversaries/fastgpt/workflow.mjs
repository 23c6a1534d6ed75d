// The fake workflows of the four apps. Nothing is streamed here: a run returns what the
// workflow produced (node status names, answer parts, interactive payload, node responses);
// completions.mjs turns that into the wire format of the requested mode.
import { nanoid } from './store.mjs';

const short = (s, n = 40) => { const a = [...String(s)]; return a.length > n ? a.slice(0, n).join('') + '…' : a.join(''); };

export function selectInteractive(o) {
  const base = {
    type: 'userSelect',
    params: {
      description: '请确认是否继续执行流程',
      userSelectOptions: [{ key: 'option1', value: 'Confirm' }, { key: 'option2', value: 'Cancel' }]
    }
  };
  return o.docShapes ? base : { ...base, entryNodeIds: ['sel7Hq2Ld0Xa'], memoryEdges: [], nodeOutputs: [] };
}

export function formInteractive(o) {
  const [k1, k2] = o.docShapes ? ['测试 1', '测试 2'] : ['name', 'age'];
  const field = (type, key, label, valueType, required) => ({
    type, key, label, description: '', value: '', defaultValue: '', ...(o.formWithoutValueType ? {} : { valueType }), required,
    list: [{ label: '', value: '' }]
  });
  const base = {
    type: 'userInput',
    params: {
      description: '请填写以下信息',
      inputForm: [field('input', k1, o.docShapes ? k1 : '姓名', 'string', !o.docShapes),
        field('numberInput', k2, o.docShapes ? k2 : '年龄', 'number', false)]
    }
  };
  return o.docShapes ? base : { ...base, entryNodeIds: ['frm2Kd8Wq1Zs'], memoryEdges: [], nodeOutputs: [] };
}

// The unanswered interactive value of a chat, if its last AI item ends on one.
export function pendingInteractive(chat) {
  const ai = [...chat.items].reverse().find((i) => i.obj === 'AI');
  const v = ai?.value?.find((x) => x.type === 'interactive');
  if (!v) return null;
  const p = v.interactive.params;
  if (p.userSelectedVal !== undefined || p.submitted) return null;
  return { item: ai, value: v };
}

const node = (moduleName, moduleType, extra = {}) => ({
  id: nanoid(12), nodeId: nanoid(12), moduleName, moduleType, runningTime: +(Math.random() * 2).toFixed(2), ...extra
});

function aiNode(question, history, answer) {
  const preview = [...history.map((h) => ({ obj: h.obj, value: h.text })),
    { obj: 'Human', value: question }, { obj: 'AI', value: answer }];
  return node('AI 对话', 'chatNode', {
    totalPoints: 0.0247, model: 'GPT-4o-mini', tokens: 75, query: question, maxToken: 2000,
    historyPreview: preview, contextTotalLen: preview.length
  });
}

/**
 * app: store app; question: user text; history: [{obj,text}]; pending: see pendingInteractive;
 * variables: request variables. Returns { statusNames, parts:[{kind,text}], interactive,
 * flowResponses, newVariables, answered }.
 */
export function runWorkflow({ app, question, history, pending, variables, o }) {
  const start = node('common:core.module.template.work_start', 'workflowStart', { runningTime: 0 });
  const humans = history.filter((h) => h.obj === 'Human');
  const r = { statusNames: [], parts: [], interactive: null, flowResponses: [start], newVariables: { ...variables }, answered: null };
  const say = (text) => {
    if (o.extras) r.parts.push({ kind: 'reasoning', text: '先理解问题，再组织回答。' });
    if (o.extras) r.parts.push({ kind: 'fast', text: '【自动回复】' });
    r.parts.push({ kind: 'text', text });
    r.statusNames.push('AI 对话');
    r.flowResponses.push(aiNode(question, history, text));
  };

  if (app.kind === 'chat') {
    const prev = humans.at(-1);
    say(`你好！这是第 ${humans.length + 1} 轮回答。` +
      (prev ? `上一轮你问的是「${short(prev.text)}」，` : '') + `这一轮你问的是「${short(question)}」。`);
  } else if (app.kind === 'select' || app.kind === 'form') {
    const isSelect = app.kind === 'select';
    const label = isSelect ? '用户选择' : '表单输入';
    r.statusNames.push(label);
    if (!pending) {
      r.interactive = isSelect ? selectInteractive(o) : formInteractive(o);
      r.flowResponses.push(node(label, isSelect ? 'userSelect' : 'formInput', { runningTime: 0 }));
    } else if (isSelect) {
      const opt = pending.value.interactive.params.userSelectOptions.find((x) => x.value === question);
      r.answered = { userSelectedVal: question };
      r.flowResponses.push(node(label, 'userSelect', { userSelectResult: question }));
      say(opt ? `你选择了「${opt.value}」，流程继续执行。` : `「${short(question)}」不是可选项，按默认分支继续执行。`);
    } else {
      let values = {};
      try { const v = JSON.parse(question); if (v && typeof v === 'object' && !Array.isArray(v)) values = v; } catch { /* not JSON */ }
      r.answered = { submitted: true, values };
      r.flowResponses.push(node(label, 'formInput', { formInputResult: values }));
      const shown = Object.entries(values).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('，') || '（空）';
      say(`表单已收到：${shown}。谢谢填写！`);
    }
  } else {
    const q = variables.query === undefined ? '' : String(variables.query);
    const text = `插件收到输入「${short(q)}」。这是插件给出的结果。`;
    r.parts.push({ kind: 'text', text });
    r.statusNames.push('AI 对话');
    r.flowResponses = [node('插件输入', 'pluginInput', { runningTime: 0 }), aiNode(q, [], text)];
    if (o.fault !== 'plugin-output-missing') {
      r.flowResponses.push({ nodeId: 'pluginOutput', moduleName: '插件输出', moduleType: 'pluginOutput', totalPoints: 0, pluginOutput: { result: text }, runningTime: 0 });
    }
    r.newVariables = { query: q };
  }
  return r;
}
