/** Edit distance (Levenshtein), for did-you-mean over short names: case names, rule ids. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Up to three known names closest to a mistyped one, nearest first; none when nothing is close. */
export function nearest(name: string, known: readonly string[]): string[] {
  return known
    .map((candidate) => ({ candidate, far: editDistance(name, candidate) }))
    .filter(({ far }) => far <= Math.max(3, Math.floor(name.length / 3)))
    .sort((a, b) => a.far - b.far)
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

/** " (did you mean a, b?)", or "" when nothing is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const near = nearest(name, known);
  return near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : '';
}
