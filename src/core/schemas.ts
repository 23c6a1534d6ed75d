import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { ChatwireError } from './errors.js';
import { show } from './engine.js';
import { schemasDir } from './paths.js';
import { readSchemaFiles } from './schema-files.js';

export interface SchemaProblem {
  /** JSON pointer to the offending value. */
  readonly pointer: string;
  readonly message: string;
  readonly expected: string;
  readonly actual: string;
}

/**
 * Every JSON Schema under `schemas/`, added to one ajv instance once and compiled on first use:
 * validating a packet costs one call of a compiled function.
 */
export class SchemaRegistry {
  readonly #ajv = new Ajv2020({ allErrors: true, strict: true });
  readonly #compiled = new Map<string, ValidateFunction>();
  readonly #ids = new Set<string>();

  constructor(dir: string = schemasDir) {
    for (const file of readSchemaFiles(dir)) {
      this.#ajv.addSchema(file.schema);
      this.#ids.add(file.id);
    }
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  validator(id: string): ValidateFunction {
    let validate = this.#compiled.get(id);
    if (validate === undefined) {
      const found = this.#ajv.getSchema(id);
      if (found === undefined) {
        throw new ChatwireError('INTERNAL', `Failed to find schema ${id}: no file under schemas/ has this "$id"`);
      }
      validate = found;
      this.#compiled.set(id, validate);
    }
    return validate;
  }

  /** The problems of `value` against schema `id`; empty when it is valid. */
  check(id: string, value: unknown): SchemaProblem[] {
    const validate = this.validator(id);
    if (validate(value)) return [];
    return reportable(validate.errors ?? []).map((error) => describe(error, value));
  }
}

let shared: SchemaRegistry | undefined;

/** The registry over the package's own `schemas/` folder, made once per process. */
export function schemas(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}

const SUMMARIES = new Set(['if', 'oneOf', 'anyOf']);

/**
 * The errors worth a reader's time. `if`, `oneOf` and `anyOf` failures only restate the ones beside
 * them. Of a value that fits none of several alternatives, the alternative of its own type is the one
 * it meant: an empty string id is told it is too short, not that it "must be integer".
 */
function reportable(errors: readonly ErrorObject[]): ErrorObject[] {
  const detailed = errors.filter((error) => !SUMMARIES.has(error.keyword));
  const typed = new Set(detailed.filter((error) => error.keyword !== 'type').map((error) => error.instancePath));
  const kept = detailed.filter((error) => error.keyword !== 'type' || !typed.has(error.instancePath) || !isAlternative(error));
  // A oneOf that matched two alternatives has no detail of its own to stand behind it: it stays.
  const explained = (path: string): boolean => kept.some((error) => error.instancePath === path || error.instancePath.startsWith(`${path}/`));
  return [...errors.filter((error) => error.keyword !== 'if' && SUMMARIES.has(error.keyword) && !explained(error.instancePath)), ...kept];
}

/** Whether an error comes from inside a oneOf / anyOf branch. */
const isAlternative = (error: ErrorObject): boolean => /\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath);

function describe(error: ErrorObject, root: unknown): SchemaProblem {
  const at = error.instancePath;
  const value = valueAt(root, at);
  const params: Record<string, unknown> = error.params;
  switch (error.keyword) {
    case 'required': {
      const name = String(params['missingProperty']);
      return { pointer: `${at}/${escapePointer(name)}`, message: `"${name}" is required`, expected: 'present', actual: '(absent)' };
    }
    case 'type':
      return { pointer: at, message: `${at || 'the value'} must be ${String(params['type'])}`, expected: String(params['type']), actual: show(value) };
    case 'enum':
      return { pointer: at, message: `${at || 'the value'} must be one of the allowed values`, expected: show(params['allowedValues']), actual: show(value) };
    case 'const':
      return {
        pointer: at,
        message: `${at || 'the value'} must be ${show(params['allowedValue'])}`,
        expected: show(params['allowedValue']),
        actual: show(value),
      };
    case 'pattern':
      return {
        pointer: at,
        message: `${at || 'the value'} must match ${String(params['pattern'])}`,
        expected: `a string matching ${String(params['pattern'])}`,
        actual: show(value),
      };
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const limit = Number(params['limit']);
      const what = {
        minItems: `at least ${limit} item(s)`,
        maxItems: `at most ${limit} item(s)`,
        minLength: `at least ${limit} character(s)`,
        maxLength: `at most ${limit} character(s)`,
        minimum: `≥ ${limit}`,
        maximum: `≤ ${limit}`,
        exclusiveMinimum: `> ${limit}`,
        exclusiveMaximum: `< ${limit}`,
      }[error.keyword];
      const verb = error.keyword.endsWith('Items') || error.keyword.endsWith('Length') ? 'have' : 'be';
      return { pointer: at, message: `${at || 'the value'} must ${verb} ${what}`, expected: what, actual: show(value) };
    }
    default:
      return { pointer: at, message: `${at || 'the value'} ${error.message ?? 'is invalid'}`, expected: error.message ?? 'valid', actual: show(value) };
  }
}

export function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isRecord(current)) current = current[key];
    else return undefined;
  }
  return current;
}

export function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** An array, with items of unknown type (Array.isArray says any[]). */
export function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
