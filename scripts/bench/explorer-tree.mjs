// Bench: the Runs view's first draw of a 10,000-run file-system store, in-process under the `vscode` fake
// (test/fakes/vscode.ts): a fresh model and tree, the roots, the store root's children and the TreeItem of every child
// returned (VS Code asks for each), against list-show.mjs's floor (list the folder + read 4 KB of each run file).
// The ratio is printed; the listing inside it (a fresh model starts its stat worker) is list-show.mjs's to meet. Also counted: the tree events that follow the draw (failed steps named in the
// background) until they stop, and how many rows they redraw.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { makeFileSystemStore } from './lib/syntheticStores.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(repo, 'out');
if (!fs.existsSync(path.join(out, 'src/vscode/explorer/runsTreeProvider.js'))) { console.error('out/ is missing: run `npm run compile-tests` first.'); process.exit(2); }
const require = createRequire(import.meta.url);
require(path.join(out, 'test/fakes/install.js'));
const { fake, memoryLogger } = require(path.join(out, 'test/fakes/vscode.js'));
const { RunsModel } = require(path.join(out, 'src/vscode/explorer/runsModel.js'));
const { RunsTreeProvider } = require(path.join(out, 'src/vscode/explorer/runsTreeProvider.js'));

const RUNS = Number(process.env.BENCH_RUNS ?? 10_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-tree-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

// The same synthetic store as list-show.mjs: the fixture runs (failed, retried, a job) under new ids.
const ws = path.join(tmp, 'fs');
const folder = makeFileSystemStore(ws, RUNS);

function floorSync() {
  const buf = Buffer.allocUnsafe(4096);
  const names = fs.readdirSync(folder);
  for (const n of names) {
    const fd = fs.openSync(path.join(folder, n), 'r');
    fs.readSync(fd, buf, 0, 4096, 0);
    fs.closeSync(fd);
  }
  return names.length;
}

fake.setFolders([ws]);
async function firstDraw() {
  const model = new RunsModel(memoryLogger());
  const tree = new RunsTreeProvider(model);
  const t0 = performance.now();
  const [root] = await tree.getChildren();
  tree.getTreeItem(root);
  // The store's listing (core, shared with every reader of the model) apart from what the tree adds to it.
  await model.listRuns(root.root.descriptor.id);
  const t1 = performance.now();
  const rows = await tree.getChildren(root);
  for (const r of rows) tree.getTreeItem(r);
  const t = performance.now() - t0;
  const treeMs = performance.now() - t1;
  // The redraws that follow: tree events until none comes for a second.
  let events = 0, redrawn = 0, last = performance.now();
  const d = tree.onDidChangeTreeData((e) => { events++; redrawn += Array.isArray(e) ? e.length : 1; last = performance.now(); });
  while (performance.now() - last < 1000) await new Promise((r) => setTimeout(r, 100));
  d.dispose();
  tree.dispose();
  model.dispose();
  return { t, treeMs, rows: rows.length, events, redrawn };
}

floorSync(); // the page cache warm, as list-show.mjs
const first = await firstDraw(); // JIT cold
const draws = [], floors = [], trees = [];
let sample = first;
for (let i = 0; i < REPEAT; i++) {
  const a = performance.now();
  floorSync();
  floors.push(performance.now() - a);
  sample = await firstDraw();
  draws.push(sample.t);
  trees.push(sample.treeMs);
}
const f = median(floors), c = median(draws);
console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
console.log(`Runs view, file-system store of ${RUNS} runs: first draw (model + tree, fresh) median ${ms(c)}, ${sample.rows} rows (first in process ${ms(first.t)})`);
console.log(`  of which the tree's own work once the store is listed (rows, failed steps named before the draw, TreeItems) median ${ms(median(trees))}`);
console.log(`  floor (list folder + read 4 KB of each run file, sync) median ${ms(f)}`);
console.log(`  first draw / floor ${(c / f).toFixed(2)}x (not a target: a fresh model starts its stat worker; the listing's 1.5x is list-show.mjs's); tree's own work / floor ${(median(trees) / f).toFixed(2)}x`);
console.log(`  after the draw: ${sample.events} tree event(s) redrawing ${sample.redrawn} row(s) (failed steps named in the background)`);
