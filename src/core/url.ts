/** A path segment decoded, or kept as it is when its %-escapes are malformed. */
export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
