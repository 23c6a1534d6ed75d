import { z } from 'zod';

/** The pieces every suite step shares, whatever its transport: what it captures and what it asserts. */

export const varName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a variable name of letters, digits and _');

/** Where a value sits in an answer: the first frame with this event name (any, when absent). */
const FrameSelector = {
  event: z.string().optional().describe('Only frames with this SSE event name; omit for any frame (or the body).'),
  pointer: z
    .string()
    // A segment that opens a selector (*[) must close it as *[name=value]: a typo is refused, not matched literally.
    .regex(
      /^(\/(?!\*\[)[^/]*|\/\*\[[^=\]/]+=[^/]*\])*$/,
      'a JSON pointer such as /data/list/0/chatId (* matches every item, *[name=value] the items whose name is value)',
    )
    .describe('A JSON pointer; a * segment matches every item, and *[name=value] every item whose member name is value (e.g. /data/list/*[obj=AI]/value).'),
};

const Capture = z
  .object({
    ...FrameSelector,
    answer: z
      .string()
      .optional()
      .describe(
        "Capture what answers the value rather than the value: one of the protocol's answer makers, e.g. fastgpt's formAnswer (a form input node's fields filled in).",
      ),
  })
  .strict();

const ruleName = z.string().describe("The rule a failed assertion is reported under; it must be one of the protocol's rules.");
const because = z.string().optional().describe('What the assertion shows, for the report.');

const ValueAssertion = z
  .object({
    ...FrameSelector,
    rule: ruleName,
    equals: z.unknown().optional(),
    includes: z.unknown().optional().describe('Some value at the pointer equals this.'),
    excludes: z.unknown().optional().describe('No value at the pointer equals this.'),
    exists: z.boolean().optional(),
    text: z
      .literal(true)
      .optional()
      .describe('Some value at the pointer, in some matching frame, is a string with more than white space (an answer with words in it).'),
    atMost: z.number().int().min(0).optional().describe('At most this many values at the pointer (e.g. a page of pageSize items).'),
    only: z.unknown().optional().describe('Every value at the pointer, in every matching frame, equals this (and there is one).'),
    because,
  })
  .strict();

const AbsentAssertion = z
  .object({
    rule: ruleName,
    absent: z
      .string()
      .min(4)
      .describe("Text that belongs to another scope (a marker sent in another session): no frame and no part of the answer's text may contain it."),
    because,
  })
  .strict();

const Assertion = z.union([ValueAssertion, AbsentAssertion]);

/** The fields every step type has: values to capture for later steps, and assertions on its answer. */
export const stepOutcome = {
  capture: z.record(varName, Capture).optional().describe('Values to take from the answer for later steps, as {{name}}.'),
  assert: z.array(Assertion).optional().describe('What the answer must show beyond the rules.'),
};

export type Assertion = z.output<typeof Assertion>;
export type ValueAssertion = z.output<typeof ValueAssertion>;
export type AbsentAssertion = z.output<typeof AbsentAssertion>;
export type Capture = z.output<typeof Capture>;
