import { assertedRule } from '../core/kit.js';
import type { Rule } from '../core/rule.js';

/** Reported when an answer lacks a value a later step of its case needs (an option, an id). */
export const captureRule: Rule = assertedRule({
  id: 'suite.capture.present',
  title: 'An answer carries the values the next steps of its case need (an interactive option, an id)',
  severity: 'error',
  basis: 'doc',
  source: { doc: 'the suite file', section: 'capture (the value the document says the answer carries)' },
});
