/* Generated from schemas/tasks/ by `npm run types` (json-schema-to-typescript). Do not edit by hand. */

/**
 * Answer of POST /api/v1/workspaces/{ws}/conversations (no body): the id at the top level, not wrapped in data. Source: 003_2215f6354d6789dc.txt, 1) curl (step 2: json.load(sys.stdin)["conversation_id"]). The document shows no answer body, only the field its clients read; the id in the example is made up.
 */
export interface TasksConversation {
  /**
   * The document never gives its type: its clients print it and send it back (curl inside quotes, Python, JS and Dart as they got it), so a string or an integer (an auto-increment id) both work.
   */
  conversation_id: string | number;
  [k: string]: unknown | undefined;
}
/**
 * Body of POST /api/v1/workspaces/{ws}/messages. Source: 003_2215f6354d6789dc.txt, 1) curl (step 3) and 2) Python (max_iterations). Examples: the bodies of the curl, Python and JS flows (the conversation id made up).
 */
export interface TasksMessageRequest {
  /**
   * The id the conversation call answered, sent back as it came: a string, or an integer from a server that numbers its conversations.
   */
  conversation_id: string | number;
  message: string;
  run_mode?: string;
  max_iterations?: number;
  [k: string]: unknown | undefined;
}
/**
 * Answer of GET /api/v1/tasks/{task_id}?from=N, wrapped in data. Source: 003_2215f6354d6789dc.txt, 1) curl (step 4: ["data"]["status"], ["data"]["next_offset"], data.events). Event types other than text_chunk exist and are accepted. The document shows no answer body, only the fields its clients read (data.status, data.next_offset, data.events[].type, data.events[].data.content); the examples are built from them.
 */
export interface TasksPoll {
  data: {
    /**
     * "running" until the task ends, then another value (completed, failed, …).
     */
    status: string;
    /**
     * Where the next poll starts: an integer, never below from.
     */
    next_offset: number;
    events: Event[];
    [k: string]: unknown | undefined;
  };
  [k: string]: unknown | undefined;
}
/**
 * One event of the task; a text_chunk carries data.content, other types are passed through.
 */
export interface Event {
  type: string;
  data?: unknown;
  [k: string]: unknown | undefined;
}
/**
 * Answer of POST /api/v1/workspaces/{ws}/messages: the task id at the top level. Source: 003_2215f6354d6789dc.txt, 1) curl (step 3: json.load(sys.stdin)["task_id"]). The document shows no answer body, only the field its clients read; the id in the example is made up.
 */
export interface TasksTask {
  /**
   * The document never gives its type: its clients print it and put it in the poll URL, so a string or an integer both work.
   */
  task_id: string | number;
  [k: string]: unknown | undefined;
}
/**
 * Body of POST /api/v1/workspaces: create the workspace, or make sure it exists (idempotent). Source: 003_2215f6354d6789dc.txt, 1) curl (step 1). Example: the curl flow's body with WS=ws1.
 */
export interface TasksWorkspaceRequest {
  workspace_id: string;
  [k: string]: unknown | undefined;
}
