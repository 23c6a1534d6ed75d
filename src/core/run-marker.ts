/**
 * The digits a run's marker (`{{run}}`: letters and digits) stands for, always 13 of them: for an id
 * a server may keep as a number, such as a chat room of digits only (`{{runNumber}}`). Distinct
 * markers give distinct numbers, and 13 digits never match a short number in a replayed answer.
 */
export function runNumber(marker: string): string {
  return String(Number.parseInt(marker, 36)).padStart(13, '0');
}
