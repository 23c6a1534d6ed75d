/**
 * chatwire/record: record what an application exchanges with a chat backend during its own tests,
 * in the format `chatwire record` writes, for `chatwire validate` and for the mock to replay.
 */
export { startRecorder, type Recorder, type RecorderOptions } from './interceptor.js';
export { readRecording, type Recording, type RecordedExchange } from './reader.js';
export { RecordingLine, RECORDING_FORMAT, RECORDING_VERSION } from './format.js';
export type { RedactionOptions } from './redaction.js';
