/* Generated from schemas/ctai/ by `npm run types` (json-schema-to-typescript). Do not edit by hand. */

/**
 * The non-streaming answer (stream "0"): one JSON object in the ret/msg/data envelope. Source: 002_cba551f1a5d093b7.txt, field table (answer_text, ref_doc_list, follow_up_list and extend_info are "the same as the non-streaming answer"). Its data fields are inferred from that sentence. The document shows no non-streaming answer; the example is built from its formatted packet (应答示例), with the whole answer "你好".
 */
export interface CtaiAnswer {
  /**
   * Result code as a string: "0" success, anything else failure.
   */
  ret: string;
  /**
   * Error message; the empty string on success.
   */
  msg?: string;
  data?: AnswerData;
  [k: string]: unknown | undefined;
}
/**
 * The data object of a successful answer: the whole answer text with its citations and follow-up questions.
 */
export interface AnswerData {
  msg_id?: string;
  /**
   * The whole answer.
   */
  answer_text: string;
  /**
   * Documents cited by the answer.
   */
  ref_doc_list?: unknown[];
  /**
   * Suggested follow-up questions.
   */
  follow_up_list?: unknown[];
  illegal_status?: string;
  extend_info?: ExtendInfo;
  [k: string]: unknown | undefined;
}
/**
 * Extension information (extend_info, a JSON object).
 */
export interface ExtendInfo {
  ialgo_extend_info?: {
    return_type?: string;
    doc_score?: {
      doc_id?: string;
      /**
       * A score written as a string, e.g. "1.233".
       */
      score?: string;
      [k: string]: unknown | undefined;
    }[];
    [k: string]: unknown | undefined;
  };
  [k: string]: unknown | undefined;
}
/**
 * The JSON in the data: line of one streaming packet. Source: 002_cba551f1a5d093b7.txt, 流式应答 and its field table. The document's own three-packet example leaves out msg, ref_doc_list, follow_up_list, illegal_status and extend_info, so they are optional; when present they have the documented types. Examples: the three packets of 应答示例, then the formatted packet that follows them, its comment and trailing commas removed.
 */
export interface CtaiPacket {
  /**
   * Result code as a string: "0" success, anything else failure.
   */
  ret: string;
  /**
   * Error message; the empty string on success.
   */
  msg?: string;
  data?: PacketData;
  [k: string]: unknown | undefined;
}
/**
 * The data object of a packet (ret "0"): id, sequence number, event and this packet's text.
 */
export interface PacketData {
  /**
   * Unique id of this packet (globally unique).
   */
  msg_id: string;
  /**
   * Sequence number as a string: "0" for the first packet, +1 for each next one.
   */
  msg_sn: string;
  /**
   * "" for a middle packet, "stop" for the last packet.
   */
  event: "" | "stop";
  /**
   * This packet's part of the answer; "" in the stop packet.
   */
  answer_text: string;
  /**
   * Documents cited by this packet's content (the stop packet: by the whole answer).
   */
  ref_doc_list?: unknown[];
  /**
   * Suggested follow-up questions (the stop packet: for the whole answer).
   */
  follow_up_list?: unknown[];
  /**
   * Content-safety status as a string.
   */
  illegal_status?: string;
  extend_info?: ExtendInfo;
  [k: string]: unknown | undefined;
}
/**
 * Body of POST /v1/ctai/query_text_chat. Source: 002_cba551f1a5d093b7.txt, 请求参数 (field table). Every field is a string, flags included. The first example is the document's request (请求参数) with lang "en_US" where it sends "en", which its table does not allow, and without its trailing comma.
 */
export interface CtaiRequest {
  /**
   * The question (问题文本). Required.
   */
  query_text: string;
  /**
   * Document ids separated by ASCII commas; absent = think over every document.
   */
  ctdoc_id?: string;
  /**
   * Multi-turn session id: at most 64 bytes, only digits, ASCII letters and -_. (不能超过 64 字节,只允许数字英文和 -_. 字符).
   */
  session_id?: string;
  /**
   * Return citations: "0" no, "1" yes (default).
   */
  enable_citation?: "0" | "1";
  /**
   * Return follow-up questions: "0" no, "1" yes (default).
   */
  enable_followup?: "0" | "1";
  /**
   * Elaborate the answer: "0" off, "1" on (default).
   */
  enable_elaborate?: "0" | "1";
  /**
   * Creativity level, an integer 0-10 written as a string.
   */
  smart_temp?: string;
  /**
   * Answer language; absent = detected from query_text. The document's example sends "en", which its own table does not allow: the table is the contract.
   */
  lang?: "zh_CN" | "en_US" | "ko_KR" | "ja_JP" | "th_TH";
  /**
   * External context, put into the prompt as one retrieved passage.
   */
  context?: string;
  /**
   * "0" (default) one JSON answer, "1" a text/event-stream answer.
   */
  stream?: "0" | "1";
  /**
   * doc_chat: chat over the knowledge base (default); tpl_chat: the creation centre.
   */
  category?: "doc_chat" | "tpl_chat";
  /**
   * Persona for category tpl_chat: creator (no history) or writer (with history, default). Not needed with doc_chat.
   */
  ctprofile_id?: "creator" | "writer";
  [k: string]: unknown | undefined;
}
