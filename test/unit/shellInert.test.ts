// Copied retry commands are inert: a hostile run id (C0 bytes, ESC[201~ that ends bracketed paste, ^U/^O that act on
// a paste without Enter) and hostile variable names run nothing when the text is pasted into bash in a terminal.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { retryCommandNotes } from '../../src/core/retry/remoteCommandText';
import { inertText, shellQuote } from '../../src/core/text/shell';
import { retryShellLine } from '../../src/core/retry/retryCommandLine';

const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const HOSTILE_ID = 'run-1\u0015touch pwned1\u000f\u001b[201~; touch pwned2 #\u001b]0;title\u0007\'"$(touch pwned3)`touch pwned4`';

/** Pastes `text` into an interactive bash in a pty (wrapped in bracketed-paste markers as a terminal does), then Enter. */
function pasteIntoBash(dir: string, text: string): void {
  const driver = String.raw`
import os, pty, sys, time, select
text = open(sys.argv[1], 'rb').read()
pid, fd = pty.fork()
if pid == 0:
    os.chdir(sys.argv[2])
    os.execvp('bash', ['bash', '--norc', '--noprofile', '-i'])
def drain(t):
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                os.read(fd, 65536)
            except OSError:
                return
os.write(fd, b"bind 'set enable-bracketed-paste on' 2>/dev/null; echo ready > ready.txt\r")
for _ in range(200):
    drain(0.05)
    if os.path.exists(os.path.join(sys.argv[2], 'ready.txt')):
        break
# The pty keeps the order: the paste, then Enter, as a user's terminal sends them.
os.write(fd, b'\x1b[200~' + text + b'\x1b[201~' + b'\r')
for _ in range(200):
    drain(0.05)
    if os.path.exists(os.path.join(sys.argv[2], 'done.txt')):
        break
os.write(fd, b'exit\r')
drain(0.05)
`;
  const textFile = path.join(dir, 'paste.bin');
  fs.writeFileSync(textFile, text);
  const r = spawnSync('python3', ['-c', driver, textFile, dir], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
}

describe('copied commands are inert', () => {
  it('a hostile run id pasted into bash in a terminal runs nothing and reaches the process byte for byte', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inert-'));
    temps.push(dir);
    // A stand-in interpreter: records what RUNNABLE_RETRY_RUN_ID it was given, then says it is done.
    const python = path.join(dir, 'fake python');
    fs.writeFileSync(python, '#!/bin/sh\nprintf %s "$RUNNABLE_RETRY_RUN_ID" > got.txt\necho > done.txt\n', { mode: 0o755 });
    const line = retryShellLine({ env: { RUNNABLE_RETRY_RUN_ID: HOSTILE_ID, RUNNABLE_RETRY_INDICATOR: '2' }, argv: ['-c', 'pass'], cwd: dir }, python, { cd: true });
    assert.doesNotMatch(line, /[\u0000-\u001f\u007f]/, 'no control character in the copied text');
    pasteIntoBash(dir, line);
    assert.ok(fs.existsSync(path.join(dir, 'done.txt')), 'the command ran (on Enter)');
    for (const f of ['pwned1', 'pwned2', 'pwned3', 'pwned4']) assert.equal(fs.existsSync(path.join(dir, f)), false, `${f} was created`);
    assert.equal(fs.readFileSync(path.join(dir, 'got.txt'), 'utf8'), HOSTILE_ID);
  });

  it('the # notes carry no control character; a hostile variable name is refused, naming it', () => {
    const notes = retryCommandNotes({ runId: HOSTILE_ID, storeLabel: 'prod\u001b[2J', target: 'original' }, []);
    for (const n of notes) assert.doesNotMatch(n, /[\u0000-\u001f\u007f]/, n);
    assert.ok(notes.join('\n').includes('run-1\\x15touch pwned1\\x0f\\x1b[201~'), notes.join('\n'));
    assert.throws(() => retryShellLine({ env: { 'x; touch pwned; y': '1' }, argv: [], cwd: '/tmp' }, 'python3'), /Not a variable name a shell takes: "x; touch pwned; y"/);
    assert.equal(inertText('a\u0007b\nc'), 'a\\x07b c');
    // Plain words stay plain; quotes and $ are single-quoted.
    assert.equal(shellQuote('pipeline.main'), 'pipeline.main');
    assert.equal(shellQuote('$(x)'), "'$(x)'");
  });
});
