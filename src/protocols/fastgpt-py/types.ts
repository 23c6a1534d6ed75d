/* Generated from schemas/fastgpt-py/ by `npm run types` (json-schema-to-typescript). Do not edit by hand. */

/**
 * The non-streaming answer. Source: 000_a17f2b116e8d969e.txt, examples/nostream_chat.py prints the JSON body; its fields are not documented, so only an object is required and the stage and text fields are expected (inferred). The document prints no non-streaming body; the example joins the events of its streaming 示例 (响应).
 */
export interface FastgptPyAnswer {
  nextStageCode?: string;
  nextStage?: string;
  text?: string;
  [k: string]: unknown | undefined;
}
/**
 * The data of the four SSE events. Source: 000_a17f2b116e8d969e.txt, SSE 事件类型 (数据格式 column). Examples: the 数据格式 column of the table.
 */
export type FastgptPyEvent = StageCode | TextDelta | Done | Error;
/**
 * stage_code: the stage the call moves to.
 */
export interface StageCode {
  /**
   * Four digits in a string (see the document's table 状态码映射).
   */
  nextStageCode: string;
  nextStage: string;
  [k: string]: unknown | undefined;
}
/**
 * text_delta: a streamed text fragment.
 */
export interface TextDelta {
  text: string;
  [k: string]: unknown | undefined;
}
/**
 * done: the stream has ended.
 */
export interface Done {
  status: "completed";
  [k: string]: unknown | undefined;
}
/**
 * error: what went wrong, with a string code.
 */
export interface Error {
  msg: string;
  code: string;
  [k: string]: unknown | undefined;
}
/**
 * Body of POST /chat. Source: 000_a17f2b116e8d969e.txt, 请求参数. stream may also come in the query string (/chat?stream=true), as the document's URL shows. Examples: the payload of examples/nostream_chat.py for the document's 示例 (session-001, "发生了交通事故"), with a fixed time stamp where the client sends datetime.now().isoformat().
 */
export interface FastgptPyRequest {
  /**
   * Session id (会话 ID); one id is one conversation.
   */
  sessionId: string;
  /**
   * Time stamp (时间戳); the example client sends ISO-8601 local time.
   */
  timeStamp: string;
  /**
   * The user's text (用户输入文本).
   */
  text: string;
  /**
   * true turns on the SSE answer.
   */
  stream?: boolean;
  [k: string]: unknown | undefined;
}
