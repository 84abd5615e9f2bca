/** Edit distance (insert, delete, substitute, swap of neighbours): how far a typo is from a name. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name a near miss was meant to be (`oci-datascience` -> `oci-data-science`), or
 * undefined when nothing is close: at most a third of the name's letters may differ.
 */
export function closest(input: string, known: readonly string[]): string | undefined {
  const x = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(x, name.toLowerCase());
    if (distance === 0) return name;
    if (distance <= Math.max(1, Math.floor(name.length / 3)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** `"gcp" is not ...: did you mean "x"?` or the list of valid names. */
export function unknownName(what: string, input: string, known: readonly string[], listed = known.join(', ')): string {
  const near = closest(input, known);
  return near ? `unknown ${what} "${input}": did you mean "${near}"? (valid: ${listed})` : `unknown ${what} "${input}": use one of ${listed}`;
}
