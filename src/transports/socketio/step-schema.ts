import { z } from 'zod';
import { stepOutcome } from '../../suite/step-parts.js';

/** A suite step that emits one Socket.IO event and judges every event that answers it. */
export const SocketStep = z
  .object({
    type: z.literal('socketio'),
    emit: z.string().min(1).describe('The event to emit, e.g. CHAT_CS.'),
    payload: z.unknown().describe('The emitted argument; strings may use {{run}}, {{runNumber}}, {{case}} and captured values.'),
    asJson: z.boolean().default(false).describe("Emit the payload as a JSON string, as the document's Python client does."),
    expect: z.enum(['stream', 'refusal']).describe('stream: a run of answer events; refusal: a payload the server may ignore but must survive.'),
    bystander: z.boolean().default(false).describe('Also connect a second client, which must receive nothing of the answer.'),
    newClient: z
      .boolean()
      .default(false)
      .describe("Emit from a new connection, as another user would: the case's socket is closed first, and later steps use the new one."),
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(600_000)
      .optional()
      .describe("This step's own time limit, e.g. to wait a short while for an answer that may never come."),
    probeMs: z
      .number()
      .int()
      .min(1)
      .max(60_000)
      .optional()
      .describe(
        'For a feature the document only implies: how long to wait for a first answer event; when none comes, the step is noted as not implemented instead of judged.',
      ),
    ...stepOutcome,
  })
  .strict();

export type SocketStep = z.output<typeof SocketStep>;
