/* Generated from schemas/fastgpt/ by `npm run types` (json-schema-to-typescript). Do not edit by hand. */

/**
 * An interactive node: userSelect (options) or userInput (a form).
 */
export type Interactive = {
  type: string;
  params: {
    [k: string]: unknown | undefined;
  };
  [k: string]: unknown | undefined;
};
/**
 * The non-streaming answer. Source: 004_2a3e4b61cfa92e1b.txt, Response (stream=false examples). With detail=true it adds responseData and newVariables, and content may be an array of typed values (text, reasoning, tool, interactive) when the answer has several parts. Examples: the detail=false, stream=false response, and the plugin's detail=true, stream=false response (Request Plugin).
 */
export interface FastgptAnswer {
  id?: string;
  model?: string;
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    total_tokens?: number;
    [k: string]: unknown | undefined;
  };
  /**
   * @minItems 1
   */
  choices: [
    {
      message: {
        role: "assistant";
        content: string | ContentValue[];
        [k: string]: unknown | undefined;
      };
      finish_reason?: string | null;
      index?: number;
      [k: string]: unknown | undefined;
    },
    ...{
      message: {
        role: "assistant";
        content: string | ContentValue[];
        [k: string]: unknown | undefined;
      };
      finish_reason?: string | null;
      index?: number;
      [k: string]: unknown | undefined;
    }[]
  ];
  responseData?: NodeResponse[];
  newVariables?: {
    [k: string]: unknown | undefined;
  };
  [k: string]: unknown | undefined;
}
/**
 * One value of a multi-part answer content (detail=true): text, reasoning, tools or interactive. /api/v1 names its kind in type; the newer FastGPT's /api/v2 leaves type out (its key says what it is), as the document's chat records do.
 */
export interface ContentValue {
  type?: string;
  text?: {
    content?: string;
    [k: string]: unknown | undefined;
  };
  reasoning?: {
    content?: string;
    [k: string]: unknown | undefined;
  };
  interactive?: Interactive;
  [k: string]: unknown | undefined;
}
/**
 * One node's result: its id, name, type, running time and, for a plugin output node, pluginOutput. Other fields vary by version (the document: 不同版本具体值可能有差异).
 */
export interface NodeResponse {
  nodeId?: string;
  moduleName?: string;
  moduleType?: string;
  runningTime?: number;
  error?: unknown;
  pluginOutput?: {
    [k: string]: unknown | undefined;
  };
  [k: string]: unknown | undefined;
}
/**
 * One answer chunk (the data of an unnamed frame with detail=false, of event answer or fastAnswer with detail=true): the OpenAI chat-chunk shape. Source: 004_2a3e4b61cfa92e1b.txt, Response (stream examples). Real FastGPT sends id "", object "", created 0, model "", delta.role in every delta, reasoning as delta.reasoning_content, and a stop chunk with content null; the document shows delta {}. Both are accepted. Examples: frames of the detail=false, stream=true response and of the plugin's detail=true, stream=true response, with its stop chunk.
 */
export interface FastgptChunk {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  /**
   * @minItems 1
   */
  choices: [Choice, ...Choice[]];
  [k: string]: unknown | undefined;
}
/**
 * One choice of a chunk: the text delta and, on the stop chunk, finish_reason.
 */
export interface Choice {
  delta: {
    role?: string;
    content?: string | null;
    reasoning_content?: string | null;
    [k: string]: unknown | undefined;
  };
  index?: number;
  /**
   * null until the stop chunk.
   */
  finish_reason: string | null;
  [k: string]: unknown | undefined;
}
/**
 * Payloads of the named events of a detail=true stream. Source: 004_2a3e4b61cfa92e1b.txt, Response (Event Values) and, where the document is silent, FastGPT's code as the digest records it. Examples: frames of the detail=true, stream=true response (flowNodeStatus, flowResponses) and the interactive node of User Selection; the toolEvent, workflowDuration and errorEvent examples are made up from the fields FastGPT sends, which the document does not show.
 */
export type FastgptDetailEvent =
  | FlowNodeStatus
  | ToolEvent
  | UpdateVariables
  | InteractiveEvent
  | WorkflowDuration
  | ErrorEvent
  | FlowResponses
  | FlowNodeResponse;
/**
 * Every node's result (v1), a JSON array.
 */
export type FlowResponses = NodeResponse[];
/**
 * A node starts running.
 */
export interface FlowNodeStatus {
  status: string;
  name: string;
  [k: string]: unknown | undefined;
}
/**
 * toolCall, toolParams and toolResponse.
 */
export interface ToolEvent {
  tool: {
    id: string;
    toolName?: string;
    toolAvatar?: string;
    functionName?: string;
    params?: string;
    response?: string;
    [k: string]: unknown | undefined;
  };
  [k: string]: unknown | undefined;
}
/**
 * The variables a node changed, as a flat object.
 */
export interface UpdateVariables {
  [k: string]: unknown | undefined;
}
/**
 * interactive: the workflow stopped at an interactive node and waits for the user.
 */
export interface InteractiveEvent {
  interactive: Interactive;
  [k: string]: unknown | undefined;
}
/**
 * workflowDuration: how long the workflow ran, in seconds.
 */
export interface WorkflowDuration {
  durationSeconds: number;
  [k: string]: unknown | undefined;
}
/**
 * A failure while streaming: {message} or the {code, statusText, message, data} envelope.
 */
export interface ErrorEvent {
  message: string;
  code?: number | string;
  statusText?: string;
  [k: string]: unknown | undefined;
}
/**
 * One node's result (v2).
 */
export interface FlowNodeResponse {
  nodeId?: string;
  moduleName?: string;
  moduleType?: string;
  runningTime?: number;
  error?: unknown;
  pluginOutput?: {
    [k: string]: unknown | undefined;
  };
  [k: string]: unknown | undefined;
}
/**
 * The envelope every chat-records call answers with, code a number (200 on success). Source: 004_2a3e4b61cfa92e1b.txt, Chat CRUD (every Response Example). $defs hold each call's request and success data. Examples: the Response Examples of History, Update Chat Title and Question Suggestions.
 */
export interface FastgptEnvelope {
  code: number;
  statusText: string;
  message: string;
  data: unknown;
  [k: string]: unknown | undefined;
}
/**
 * One part of a message's content: text, an image URL or a file URL.
 */
export type ContentPart = {
  type: "text" | "image_url" | "file_url";
  [k: string]: unknown | undefined;
};
/**
 * Body of POST /api/v1/chat/completions. Source: 004_2a3e4b61cfa92e1b.txt, Request Chat Agent and Workflow (Parameters). OpenAI-compatible: model and temperature are accepted and ignored. Plugin apps take variables and need no messages. Examples: the Basic and Image/File request examples, the form-input continuation (Continue Interactive Node) and the plugin request (Request Plugin, its shell comment removed).
 */
export interface FastgptChatRequest {
  /**
   * Absent: context only from messages. Present: the server keeps history and uses only the last message. Unique, shorter than 250.
   */
  chatId?: string;
  stream?: boolean;
  /**
   * Return intermediate values: as named events when streaming, in responseData otherwise.
   */
  detail?: boolean;
  /**
   * The id stored for this answer's chat item; unique within the chatId.
   */
  responseChatItemId?: string;
  /**
   * Module variables (plugin inputs for plugin apps).
   */
  variables?: {
    [k: string]: unknown | undefined;
  };
  /**
   * OpenAI chat messages; with chatId only the last one is used. Absent or empty for a plugin call (it carries its inputs in variables); otherwise never empty.
   */
  messages?: Message[];
  model?: string;
  temperature?: number;
  [k: string]: unknown | undefined;
}
/**
 * One OpenAI chat message.
 */
export interface Message {
  role: "system" | "user" | "assistant" | "tool" | "function" | "developer";
  content: string | ContentPart[] | null;
  [k: string]: unknown | undefined;
}
