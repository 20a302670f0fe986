// A second, reference floor for `runnable-runs list --json` (scripts/bench/list-show.mjs prints it beside the
// target's floor, listFloor.cjs): the per-run work a listing cannot leave out, written as plainly as Node allows and
// nothing else. Per run file: open, fstat (the end time is the file's mtime: a run log has none of its own), read
// the first 4 KB, close, cut run_id / tag / status / the first start_time out of the head with one regular
// expression, and print the entry the CLI prints (the same fields, indented the same). No config discovery, no
// bundle, no checks, no error items, no sort. The CLI over this floor is what the CLI itself adds.
// usage: node listWorkFloor.cjs FOLDER [HEAD_FILE]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [folder, head] = process.argv.slice(2);
const HEAD = /"run_id": "([^"]*)",[^]*?"tag": (?:"([^"]*)"|null),\s*"status": "([^"]*)",\s*"steps": \{\s*(\}?)[^]*?"start_time": "([^"]*)"/;
const pad = (n, w = 2) => String(n).padStart(w, '0');
function localTime(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(Math.round((ms % 1000) * 1000), 6)}`;
}
const buf = Buffer.allocUnsafe(4096);
const store = { type: head ? 'chunked-fs' : 'file-system', location: folder };
const out = [];
for (const name of fs.readdirSync(folder)) {
  const fd = fs.openSync(head ? path.join(folder, name, head) : path.join(folder, name), 'r');
  const mtimeMs = fs.fstatSync(fd).mtimeMs;
  const n = fs.readSync(fd, buf, 0, 4096, 0);
  fs.closeSync(fd);
  const m = HEAD.exec(buf.latin1Slice(0, n));
  out.push({
    runId: m ? m[1] : name,
    status: m ? m[3] : '',
    tag: m?.[2] ?? '',
    startTime: m ? m[5] : null,
    endTime: localTime(mtimeMs),
    kind: m?.[4] ? 'job' : 'pipeline',
    store,
  });
}
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
