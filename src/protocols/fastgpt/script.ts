import { z } from 'zod';

/**
 * What a fastgpt scenario scripts: one workflow run, which the mock renders into every mode
 * (stream × detail) in real FastGPT's wire format, then bends by the listed faults.
 */
const text = z.array(z.string()).max(10_000);

const Option = z.object({ key: z.string(), value: z.string() }).strict();
const FormItem = z
  .object({
    type: z.string(),
    key: z.string(),
    label: z.string(),
    valueType: z.string(),
    required: z.boolean().default(false),
    description: z.string().default(''),
    value: z.unknown().default(''),
    defaultValue: z.unknown().default(''),
  })
  .strict();

export const FAULTS = [
  'no-done',
  'text-after-done',
  'no-stop-chunk',
  'unnamed-detail-events',
  'flow-responses-object',
  'envelope-code-string',
  'ok-without-key',
] as const;

export const FastgptScript = z
  .object({
    delayMs: z.number().int().min(0).max(60_000).default(20).describe('Between frames.'),
    nodes: z
      .array(z.object({ name: z.string(), moduleType: z.string(), runningTime: z.number().default(0.5) }).catchall(z.unknown()))
      .default([{ name: 'AI 对话', moduleType: 'chatNode', runningTime: 1.2 }])
      .describe('The workflow nodes: a flowNodeStatus each, and their results in flowResponses / responseData.'),
    tools: z
      .array(
        z
          .object({
            id: z.string(),
            toolName: z.string(),
            toolAvatar: z.string().default(''),
            functionName: z.string().optional(),
            params: z.string(),
            response: z.string(),
          })
          .strict(),
      )
      .default([]),
    reasoning: text.default([]).describe('reasoning_content deltas, before the answer.'),
    fastAnswer: text.default([]).describe('Text of a fixed-reply node (event fastAnswer).'),
    answer: text.default([]).describe('The answer, delta by delta.'),
    heartbeats: z.number().int().min(0).max(1000).default(0).describe('Empty answer chunks mixed in, as FastGPT sends every ~10 s.'),
    updateVariables: z.record(z.string(), z.unknown()).optional(),
    interactive: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('userSelect'), description: z.string(), userSelectOptions: z.array(Option).min(1) }).strict(),
        z.object({ type: z.literal('userInput'), description: z.string(), inputForm: z.array(FormItem).min(1) }).strict(),
      ])
      .optional()
      .describe('The workflow stops at this node; the next message on the same chatId continues it.'),
    continuation: z.object({ answer: text }).strict().optional().describe('What the workflow answers once the interactive node is answered.'),
    pluginOutput: z.record(z.string(), z.unknown()).optional().describe('A plugin app: its output node result.'),
    error: z
      .object({ when: z.enum(['before', 'during']), afterChunks: z.number().int().min(0).default(1), message: z.string() })
      .strict()
      .optional(),
    flowResponses: z.enum(['after-done', 'before-done']).default('after-done').describe('v4.11–v4.14 send it after [DONE], the newest main branch before.'),
    chatTitle: z.string().optional().describe('The newest FastGPT sends a named chatTitle frame, even with detail=false.'),
    faults: z.array(z.enum(FAULTS)).default([]),
  })
  .strict();

export type FastgptScript = z.output<typeof FastgptScript>;
