// CTAI adversary corpus: conformant variations and seeded-fault servers for
// POST /v1/ctai/query_text_chat (specs/002_cba551f1a5d093b7.txt, PROTOCOLS.md "ctai").
import { passVariants } from './variants-pass.mjs';
import { failVariants } from './variants-fail.mjs';

export const variants = [...passVariants, ...failVariants];
