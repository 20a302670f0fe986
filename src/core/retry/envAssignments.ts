// "Retry with…": the environment a user types for one retry, as `NAME=value` words (the shell's own way of
// writing it, so a line copied from a terminal works). No `vscode` import.

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `should_pass=true DEPLOY_URL="http://x y"` -> { should_pass: 'true', DEPLOY_URL: 'http://x y' }. Words are
 * separated by spaces; a value may be quoted with ' or " (backslash escapes inside "…"). A word that is not
 * NAME=value, or a name a shell would not take, is an error sentence naming it.
 */
export function parseEnvAssignments(text: string): { env: Record<string, string> } | { error: string } {
  const env: Record<string, string> = {};
  let i = 0;
  const s = text.trim();
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) break;
    const eq = s.indexOf('=', i);
    const space = s.slice(i).search(/\s/);
    const wordEnd = space < 0 ? s.length : i + space;
    if (eq < 0 || eq > wordEnd) return { error: `"${s.slice(i, wordEnd)}" is not NAME=value.` };
    const name = s.slice(i, eq);
    if (!NAME.test(name)) return { error: `"${name}" is not a variable name (letters, digits and _, not starting with a digit).` };
    i = eq + 1;
    let value = '';
    while (i < s.length && !/\s/.test(s[i])) {
      const q = s[i];
      if (q === '"' || q === "'") {
        i++;
        while (i < s.length && s[i] !== q) {
          if (q === '"' && s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i++];
        }
        if (i >= s.length) return { error: `The value of ${name} has no closing ${q}.` };
        i++;
      } else {
        value += s[i++];
      }
    }
    env[name] = value;
  }
  return { env };
}

/** The inverse, for offering last time's answer again: values with spaces or quotes are double-quoted. */
export function formatEnvAssignments(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => (/^[^\s"'\\]*$/.test(v) ? `${k}=${v}` : `${k}="${v.replace(/["\\]/g, '\\$&')}"`)).join(' ');
}
