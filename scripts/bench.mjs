// `npm run bench` (after build + compile-tests): runs every benchmark module in scripts/bench/*.mjs, in name order,
// each in its own Node process (so one's heap and caches do not colour another's). To add a benchmark, drop a
// module there that prints its numbers and exits non-zero only when it could not run. Filter: node scripts/bench.mjs list
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.join(here, 'bench');
const filters = process.argv.slice(2);
const modules = fs.readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()
  .filter((f) => !filters.length || filters.some((x) => f.includes(x)));
const results = [];
for (const m of modules) {
  console.log(`\n=== ${m} ===`);
  const t0 = performance.now();
  // --expose-gc lets a module measure the heap a result retains.
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(dir, m)], { stdio: 'inherit' });
  results.push({ m, code: r.status, s: ((performance.now() - t0) / 1000).toFixed(1) });
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${r.code === 0 ? 'ran   ' : 'FAILED'} ${r.m} (${r.s} s)`);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
