// Adversary corpus for the "tasks" protocol (specs/003_2215f6354d6789dc.txt + PROTOCOLS.md § tasks).
// Each variant: { id, expect: 'pass'|'fail', says, breaks, start() → { url, token, close } }.
import { passVariants } from './variants-pass.mjs';
import { failVariants } from './variants-fail.mjs';
// Second round (extra-base.mjs, extra-wire.mjs, py_stdlib_server.py): ids prefixed "x-".
import { extraPassVariants } from './variants-extra-pass.mjs';
import { extraFailVariants } from './variants-extra-fail.mjs';
// Third round (audit/): independent servers kept from an audit of chatwire's verdicts.
import { auditVariants } from '../audit/variants.mjs';
import { audit4Variants } from '../audit4/variants.mjs';
import { audit7Variants } from '../audit7/variants.mjs';
import { audit8Variants } from '../audit8/variants.mjs';
import { audit10Variants } from '../audit10/variants.mjs';

export const variants = [
  ...passVariants.map((v) => ({ breaks: undefined, ...v })),
  ...failVariants,
  ...extraPassVariants.map((v) => ({ breaks: undefined, ...v })),
  ...extraFailVariants,
  ...auditVariants.tasks,
  ...audit4Variants.tasks,
  ...audit7Variants.tasks,
  ...audit8Variants.tasks,
  ...audit10Variants.tasks,
];
