/**
 * How a client answers a form input node (interactive `userInput`): document 004_2a3e4b61cfa92e1b.txt,
 * "Continue Interactive Node (Form Input)", sends the form's values as a JSON string keyed by each
 * field's key, each value of the field's type (`{"测试 1":"这是输入框的内容","测试 2":666}`).
 */
import { isRecord } from '../../core/schemas.js';

/** A value a server that checks its form accepts for one field: its default, else one of its type. */
function valueFor(field: Record<string, unknown>): unknown {
  const { type, valueType, defaultValue, min } = field;
  const options = Array.isArray(field['list']) ? field['list'].filter(isRecord).map((option) => option['value'] ?? option['label']) : [];
  const firstOption = options.find((option) => option !== undefined && option !== '');
  if (defaultValue !== undefined && defaultValue !== '' && defaultValue !== null) return defaultValue;
  if (type === 'select' && firstOption !== undefined) return firstOption;
  if (type === 'multipleSelect') return firstOption === undefined ? [] : [firstOption];
  if (type === 'switch' || valueType === 'boolean') return true;
  if (type === 'numberInput' || valueType === 'number') return typeof min === 'number' ? Math.max(min, 1) : 1;
  if (typeof valueType === 'string' && valueType.startsWith('array')) return [];
  return 'chatwire';
}

/** The answer to a form's fields (the `inputForm` array), or undefined when the value is no such list. */
export function formAnswer(inputForm: unknown): string | undefined {
  if (!Array.isArray(inputForm)) return undefined;
  const fields = inputForm.filter(isRecord).filter((field) => typeof field['key'] === 'string');
  if (fields.length === 0) return undefined;
  return JSON.stringify(Object.fromEntries(fields.map((field) => [field['key'], valueFor(field)])));
}
