// Parameter values come from the run log as the user's code produced them, so they can nest arbitrarily (a json
// parameter 10,000 lists deep is valid JSON and valid for runnable). Every consumer of a value (labels, details,
// JSON.stringify for `show --json` and plan-retry, comparisons with the parameters file) is recursive, and would
// end in "Maximum call stack size exceeded". Values are bounded once, where they enter the model.

/** How deep a value is kept; deeper parts become a sentence. Real parameters are a handful of levels. */
export const MAX_VALUE_DEPTH = 64;

/** The nesting depth of a JSON value (a scalar is 0), measured without recursion. */
export function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    if (d + 1 > max) max = d + 1;
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return max;
}

/**
 * The value itself when it nests at most `max` levels; otherwise a copy whose parts below `max` are replaced by
 * `"… nested N more levels"` (N counted, not guessed). Never recurses deeper than `max`.
 */
export function boundDepth(value: unknown, max = MAX_VALUE_DEPTH): unknown {
  if (value === null || typeof value !== 'object' || depthOf(value) <= max) return value;
  const copy = (v: unknown, left: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (left === 0) return `… nested ${depthOf(v).toLocaleString('en-US')} more levels`;
    if (Array.isArray(v)) return v.map((c) => copy(c, left - 1));
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, c]) => [k, copy(c, left - 1)]));
  };
  return copy(value, max);
}
