/* Generated from schemas/pocketqa/ by `npm run types` (json-schema-to-typescript). Do not edit by hand. */

/**
 * What the server received, echoed with its evidence (clue), related questions (alter) and the room's history; null on an event that has nothing to echo yet, as a server keeping one dict until the stop sends it.
 */
export type Received = {
  text?: string;
  prompt?: string | null;
  sid?: string | null;
  room?: string | null;
  dialogue?: string | null;
  upload_id?: string | null;
  /**
   * Evidence for the answer. Only its presence is the field table's; its type and data come from the example, so an empty object (no evidence found) is legal.
   */
  clue?: {
    type?: string;
    /**
     * Evidence as strings; a score too is a string.
     */
    data?: string[];
    [k: string]: unknown | undefined;
  };
  /**
   * Related questions.
   */
  alter?: string[];
  /**
   * Earlier turns of the room as [question, answer] pairs.
   */
  history?: [string, string][];
  [k: string]: unknown | undefined;
} | null;
/**
 * The payload of CHAT_SS. Source: 001_6e6f726506b3aba0.txt, 发送事件(response): data.finish_reason (发送状态), data.delta (输出内容), data.room (聊天室id), data.received (其他包装字段,包括clue、alter). received's other fields follow the example (inferred). The example is the document's (示例 under 发送事件), written as JSON where the document prints a Python dict with single quotes.
 */
export interface PocketqaAnswer {
  /**
   * delta is required on every event before the stop; the stop event (finish_reason "stop") may leave it out, having nothing left to say (pocketqa.delta.text).
   */
  data: {
    room: string;
    /**
     * Output text.
     */
    delta?: string;
    /**
     * "stop" on the last event of an answer; empty or null before it. Absent on a partial event means not finished; "stop" ends the answer.
     */
    finish_reason?: string | null;
    received?: Received;
    [k: string]: unknown | undefined;
  };
  [k: string]: unknown | undefined;
}
/**
 * The payload of CHAT_CS (and, inferred by symmetry, SUM_CS, QA_CS, GEN_CS). Source: 001_6e6f726506b3aba0.txt, 监听事件(request). The document's client emits it as a JSON string (json.dumps); a server accepts the object and the string alike. Examples: the two of 监听事件(request), then the one its test code (测试代码) sends.
 */
export interface PocketqaRequest {
  /**
   * The question (输入问题).
   */
  text: string;
  /**
   * Chat-room id; may be empty (聊天室id,可为空): an empty string, or null as a Python client's None sends it, leaves the choice to the server.
   */
  room?: string | null;
  /**
   * Dialogue id (example 2); null as a Python client's None sends it.
   */
  dialogue?: string | null;
  /**
   * Upload id; may be empty.
   */
  upload_id?: string;
  /**
   * Session id (the test code); null as a Python client's None sends it.
   */
  sid?: string | null;
  [k: string]: unknown | undefined;
}
