import type { ScenarioAnswer, ScenarioFrame, ScenarioStream } from '../../mock/scenario.js';
import type { FastgptScript } from './script.js';

/** One run of the workflow as the mock plays it: the script, or its continuation after an interactive node. */
export interface Run {
  readonly script: FastgptScript;
  readonly answer: readonly string[];
  /** Stops at the interactive node (the first turn of an interactive script). */
  readonly pauses: boolean;
  readonly variables: Readonly<Record<string, unknown>>;
}

export function chunk(delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> {
  return { id: '', object: '', created: 0, model: '', choices: [{ delta: { role: 'assistant', ...delta }, index: 0, finish_reason: finishReason }] };
}

export function nodeResults(run: Run): Record<string, unknown>[] {
  const results: Record<string, unknown>[] = run.script.nodes.map(({ name, moduleType, runningTime, ...extra }, i) => ({
    id: `n${i}`,
    nodeId: `node${i}`,
    moduleName: name,
    moduleType,
    runningTime,
    ...extra,
  }));
  if (run.script.pluginOutput !== undefined)
    results.push({
      id: 'out',
      nodeId: 'pluginOutput',
      moduleName: '插件输出',
      moduleType: 'pluginOutput',
      runningTime: 0,
      totalPoints: 0,
      pluginOutput: run.script.pluginOutput,
    });
  return results;
}

export function interactivePayload(script: FastgptScript): Record<string, unknown> | undefined {
  const node = script.interactive;
  if (node === undefined) return undefined;
  const { type, ...params } = node;
  return { type, params };
}

/**
 * The frames of a stream, in order, for detail=true or false. `perNode`: the v2 call, which sends each
 * node's result as a flowNodeResponse event instead of one flowResponses array.
 */
export function streamFrames(run: Run, detail: boolean, perNode = false): ScenarioStream {
  const { script } = run;
  const faults = new Set(script.faults);
  const frames: ScenarioFrame[] = [];
  const delayMs = script.delayMs;
  // detail=false shows answer chunks only; faults may drop the event names of detail frames.
  const push = (event: string | undefined, data: unknown): void => {
    if (!detail && event !== undefined && event !== 'answer' && event !== 'fastAnswer' && event !== 'error' && event !== 'chatTitle') return;
    const unnamed = faults.has('unnamed-detail-events') && (event === 'answer' || event === 'fastAnswer');
    const named = detail && !unnamed ? event : event === 'error' || event === 'chatTitle' ? event : undefined;
    frames.push({ delayMs, ...(named === undefined ? {} : { event: named }), data });
  };
  const flowResponses = (): void => {
    if (perNode) for (const result of nodeResults(run)) push('flowNodeResponse', result);
    else push('flowResponses', faults.has('flow-responses-object') ? { list: nodeResults(run) } : nodeResults(run));
  };

  if (script.chatTitle !== undefined) push('chatTitle', { title: script.chatTitle });
  for (const node of script.nodes) push('flowNodeStatus', { status: 'running', name: node.name });
  for (const tool of script.tools) {
    push('toolCall', {
      tool: {
        id: tool.id,
        toolName: tool.toolName,
        toolAvatar: tool.toolAvatar,
        ...(tool.functionName === undefined ? {} : { functionName: tool.functionName }),
        params: '',
        response: '',
      },
    });
    push('toolParams', { tool: { id: tool.id, toolName: '', toolAvatar: '', params: tool.params, response: '' } });
    push('toolResponse', { tool: { id: tool.id, toolName: '', toolAvatar: '', params: '', response: tool.response } });
  }
  for (const text of script.reasoning) push('answer', chunk({ reasoning_content: text }));
  for (const text of script.fastAnswer) push('fastAnswer', chunk({ content: text }));
  let sent = 0;
  const everyHeartbeat = script.heartbeats > 0 ? Math.max(1, Math.floor(run.answer.length / script.heartbeats)) : 0;
  for (const text of run.answer) {
    if (script.error?.when === 'during' && sent === script.error.afterChunks) {
      push('error', { message: script.error.message });
      return { status: 200, headers: SSE_HEADERS, lineEnding: 'lf', frames, end: 'close', holdMs: 0 };
    }
    push('answer', chunk({ content: text }));
    sent++;
    if (everyHeartbeat > 0 && sent % everyHeartbeat === 0) push('answer', chunk({ content: '' }));
  }
  if (script.updateVariables !== undefined) push('updateVariables', script.updateVariables);
  const interactive = run.pauses ? interactivePayload(script) : undefined;
  if (interactive !== undefined) push('interactive', { interactive });
  push('workflowDuration', { durationSeconds: 1.3 });
  // v2 sends each node's result as the node finishes: before the stop chunk, whatever v1 would do.
  if (script.flowResponses === 'before-done' || perNode) flowResponses();
  if (!faults.has('no-stop-chunk')) push('answer', chunk({ content: null }, 'stop'));
  if (!faults.has('no-done')) push('answer', '[DONE]');
  if (faults.has('text-after-done')) push('answer', chunk({ content: '……还有一句。' }));
  if (script.flowResponses === 'after-done' && !perNode) flowResponses();
  return { status: 200, headers: SSE_HEADERS, lineEnding: 'lf', frames, end: 'close', holdMs: 0 };
}

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream;charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  'access-control-allow-origin': '*',
};

/** The whole answer of a non-streaming request. */
export function answerBody(run: Run, detail: boolean, chatId: string): ScenarioAnswer {
  const { script } = run;
  const text = [...script.fastAnswer, ...run.answer].join('');
  const interactive = run.pauses ? interactivePayload(script) : undefined;
  let content: unknown = text;
  if (detail && (script.reasoning.length > 0 || interactive !== undefined)) {
    content = [
      ...(script.reasoning.length > 0 ? [{ type: 'reasoning', reasoning: { content: script.reasoning.join('') } }] : []),
      ...(text === '' ? [] : [{ type: 'text', text: { content: text } }]),
      ...(interactive === undefined ? [] : [{ type: 'interactive', interactive }]),
    ];
  }
  const body: Record<string, unknown> = {
    id: chatId,
    model: '',
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 1 },
    choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop', index: 0 }],
  };
  if (detail) {
    body['responseData'] = nodeResults(run);
    body['newVariables'] = { ...run.variables, ...script.updateVariables };
  }
  return { delayMs: script.delayMs, status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body };
}
