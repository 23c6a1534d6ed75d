import { defineProtocol } from '../protocol.js';
import { tasksApi } from './api.js';
import { refuse, tasksRoutes, TasksScript } from './mock.js';
import { DOC, pollView, tasksRules } from './rules/index.js';
import { answerTextOf } from './rules/read.js';

export default defineProtocol({
  id: 'tasks',
  title: 'Workspaces, conversations, messages and task polling (GET /api/v1/tasks/{id}?from=N)',
  doc: DOC,
  transport: 'polling',
  api: tasksApi,
  rules: tasksRules,
  poll: {
    param: 'from',
    cursor: (json) => {
      const view = pollView(json);
      const next = view?.nextOffset;
      return typeof next === 'number' && Number.isInteger(next)
        ? { next, running: view?.status === 'running', status: view?.status, events: view?.events?.length ?? 0 }
        : undefined;
    },
  },
  // A poll's piece of the answer: its text_chunk events' data.content joined, as the document's clients
  // print them, so a marker split across events or polls is still seen.
  answerText: (frame) => {
    const events = frame.json.ok ? pollView(frame.json.value)?.events : undefined;
    return events === undefined ? undefined : answerTextOf(events);
  },
  mock: { keyed: true, routes: tasksRoutes, defaultScenario: 'plain', refuse, script: TasksScript, takes: ['script'] },
});
