// CTAI adversary corpus: conformant variations and seeded-fault servers for
// POST /v1/ctai/query_text_chat (specs/002_cba551f1a5d093b7.txt, PROTOCOLS.md "ctai").
import { passVariants } from './variants-pass.mjs';
import { failVariants } from './variants-fail.mjs';
// Second round: real-stack variations and subtler faults (extra-*.mjs, variants-extra-*.mjs).
import { extraPassVariants } from './variants-extra-pass.mjs';
import { extraFailVariants } from './variants-extra-fail.mjs';
// Third round (audit/): independent servers kept from an audit of chatwire's verdicts.
import { auditVariants } from '../audit/variants.mjs';
import { audit4Variants } from '../audit4/variants.mjs';
import { audit5Variants } from '../audit5/variants.mjs';
import { audit8Variants } from '../audit8/variants.mjs';
import { audit10Variants } from '../audit10/variants.mjs';

export const variants = [...passVariants, ...failVariants, ...extraPassVariants, ...extraFailVariants, ...auditVariants.ctai, ...audit4Variants.ctai, ...audit5Variants.ctai, ...audit8Variants.ctai, ...audit10Variants.ctai];

const ids = new Set();
for (const v of variants) {
  if (ids.has(v.id)) throw new Error(`duplicate variant id ${v.id}`);
  ids.add(v.id);
}
