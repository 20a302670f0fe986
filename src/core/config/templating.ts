// `${name}` / `$name` placeholders in a runnable config, filled exactly as runnable's utils.apply_variables does
// (Python string.Template.safe_substitute over the config; values from RUNNABLE_VAR_<name> and the user's variables).

/** runnable's defaults.VARIABLE_PREFIX: `RUNNABLE_VAR_x=1` makes `${x}` → `1`. */
export const VARIABLE_PREFIX = 'RUNNABLE_VAR_';

/**
 * runnable's utils.gather_variables (every RUNNABLE_VAR_* of the environment, prefix stripped), then `extra`
 * on top (the `runnable.variables` setting / CLI `--var`), so an explicit value wins over the environment.
 */
export function gatherVariables(
  env: Record<string, string | undefined>,
  extra: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith(VARIABLE_PREFIX) && v !== undefined) out[k.slice(VARIABLE_PREFIX.length)] = v;
  }
  return { ...out, ...extra };
}

// Python's Template pattern: `$$` escape, `$name`, `${name}`; idpattern `(?a:[_a-z][_a-z0-9]*)` with IGNORECASE.
const PLACEHOLDER = /\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)\})/gi;

/**
 * safe_substitute on one string: known names are replaced, unknown placeholders stay as written (runnable only
 * logs a warning for them), `$$` becomes `$`. Returns the names that had no value.
 */
export function substitute(text: string, variables: Record<string, string>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(PLACEHOLDER, (whole, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
    if (escaped) return '$';
    const name = (named ?? braced)!;
    if (Object.prototype.hasOwnProperty.call(variables, name)) return variables[name];
    missing.push(name);
    return whole;
  });
  return { text: out, missing };
}

/**
 * apply_variables over a parsed config. runnable substitutes in `json.dumps(config)` and re-parses; we substitute
 * in every string (keys and values) of the parsed tree instead, which gives the same result for every value that
 * does not itself contain `"` or `\` (there runnable would produce broken JSON and fail).
 */
export function applyVariables(value: unknown, variables: Record<string, string>, missing: Set<string> = new Set()): unknown {
  if (typeof value === 'string') {
    const r = substitute(value, variables);
    r.missing.forEach((m) => missing.add(m));
    return r.text;
  }
  if (Array.isArray(value)) return value.map((v) => applyVariables(v, variables, missing));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[applyVariables(k, variables, missing) as string] = applyVariables(v, variables, missing);
    }
    return out;
  }
  return value;
}
