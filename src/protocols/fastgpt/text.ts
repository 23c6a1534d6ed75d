import type { Frame } from '../../core/exchange.js';
import { isRecord } from '../../core/schemas.js';

/** The answer text a frame carries: a chunk's delta content (or reasoning), or a whole answer's message content. */
export function answerText(frame: Frame): string | undefined {
  if (!frame.json.ok || !isRecord(frame.json.value)) return undefined;
  const choices = frame.json.value['choices'];
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  if (!isRecord(first)) return undefined;
  const part = isRecord(first['delta']) ? first['delta'] : isRecord(first['message']) ? first['message'] : undefined;
  const content = part?.['content'] ?? part?.['reasoning_content'];
  if (typeof content === 'string') return content;
  // detail=true answers may carry content as an array of typed values; their text is enough here.
  return Array.isArray(content) ? JSON.stringify(content) : undefined;
}
