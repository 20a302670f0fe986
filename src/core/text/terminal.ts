// What the CLI prints goes to a terminal, and run logs are written by whoever ran the pipeline: a tag, a run id or an
// exception message can carry ESC/OSC sequences (retitle the terminal, rewrite the screen, hide text) or C1 controls
// that some terminals act on. Every line the CLI prints passes through here.

/** C0 controls except tab and newline, DEL, and C1 controls (U+0080–U+009F; U+009B is a one-byte CSI). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Replaces each control character with its `\uXXXX` spelling: visible in text, and the same value when it lands in a
 * JSON string (JSON.stringify already escapes C0, not DEL or C1), so `--json` output stays valid and exact.
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
