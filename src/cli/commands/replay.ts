import { ChatwireError } from '../../core/errors.js';
import type { Protocol } from '../../protocols/protocol.js';
import { readRecording } from '../../record/reader.js';
import { replayProtocol } from '../../record/replay.js';

/** The protocols, each given a recording (`--scenarios ID=FILE.jsonl`) answered from it. */
export async function replayRecordings(protocols: readonly Protocol[], recordings: ReadonlyMap<string, string>): Promise<Protocol[]> {
  const served = [...protocols];
  for (const [id, file] of recordings) {
    const recording = await readRecording(file);
    if (recording.header.protocol !== id) {
      throw new ChatwireError('BAD_OPTION', `Failed to replay ${file} as ${id}: it is a recording of ${recording.header.protocol}`, {
        hint: `give it as --scenarios ${recording.header.protocol}=${file}`,
      });
    }
    const at = served.findIndex((protocol) => protocol.id === id);
    const protocol = served[at];
    if (protocol === undefined)
      throw new ChatwireError('BAD_OPTION', `Failed to replay ${file}: the mock does not serve ${id}`, { hint: `add --protocol ${id}` });
    served[at] = replayProtocol(protocol, recording);
  }
  return served;
}
