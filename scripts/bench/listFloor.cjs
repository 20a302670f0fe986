// The whole-process floor for `runnable-runs list --json` (scripts/bench/list-show.mjs): a Node process that does
// the least an honest listing must do and nothing else: list the store folder, open + read the first 4 KB + close
// each run file (`<folder>/<id>.json`, or `<folder>/<id>/<head>` for a chunked store), and print one JSON entry per
// run, indented as the CLI prints. Not a .mjs: the bench runner runs every .mjs here as a benchmark of its own.
// usage: node listFloor.cjs FOLDER [HEAD_FILE]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [folder, head] = process.argv.slice(2);
const buf = Buffer.allocUnsafe(4096);
const out = [];
for (const name of fs.readdirSync(folder)) {
  const fd = fs.openSync(head ? path.join(folder, name, head) : path.join(folder, name), 'r');
  const bytes = fs.readSync(fd, buf, 0, 4096, 0);
  fs.closeSync(fd);
  out.push({ runId: head ? name : name.replace(/\.json$/, ''), bytes });
}
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
