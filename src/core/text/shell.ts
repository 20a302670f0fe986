// The one shell-quoting helper: every command text we copy or print for a POSIX shell goes through here. A value
// with control characters (a run id with ESC or C0 bytes, ESC[201~ that ends bracketed paste, ^U/^O that act on a
// paste without Enter) is written with bash's ANSI-C quoting, so no control byte reaches the clipboard or a
// terminal; everything else is single-quoted unless no shell treats any of its characters specially.

// C0 controls, DEL and the C1 range (U+0080-U+009F: 8-bit CSI and OSC in some terminals). Tab and newline stay in
// plain single quotes (inert there, and then the text works in sh/dash too, which has no $'…').
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

function hex(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

export function shellQuote(word: string): string {
  if (word !== '' && PLAIN.test(word)) return word;
  if (CONTROL.test(word)) {
    // $'…': backslash and quote escaped, control characters as \xNN (C1 ones as \u00NN, which bash writes as UTF-8).
    const body = Array.from(word).map((c) => {
      if (c === '\\') return '\\\\';
      if (c === "'") return "\\'";
      const code = c.charCodeAt(0);
      if (code < 0x20 || code === 0x7f) return hex(c);
      if (code >= 0x80 && code <= 0x9f) return `\\u00${code.toString(16)}`;
      return c;
    }).join('');
    return `$'${body}'`;
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Text for a `#` note line or a message: control characters shown as \xNN, line breaks as spaces. */
export function inertText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(CONTROL_ALL, hex);
}

/** A name a shell takes in `NAME=value` (and runnable in RUNNABLE_VAR_<name>). */
export function isEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}
