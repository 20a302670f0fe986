// The synthetic stores the benches list (scripts/bench/*.mjs; this folder is not run as a bench): the fixture runs
// written by the real runnable (failed, retried, a job) copied under new ids until the store holds `runs` runs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/runnable');

/** A file-system store of `runs` runs in `<ws>/.run_log_store`, with a runnable-config.yaml naming it; its folder. */
export function makeFileSystemStore(ws, runs) {
  const folder = path.join(ws, '.run_log_store');
  fs.mkdirSync(folder, { recursive: true });
  const templates = [];
  for (const c of ['ml-file-system', 'ml-file-system-retried', 'yaml-etl', 'yaml-etl-retried', 'job']) {
    const d = path.join(FIX, c, '.run_log_store');
    for (const f of fs.readdirSync(d)) templates.push({ id: f.slice(0, -5), text: fs.readFileSync(path.join(d, f), 'utf8') });
  }
  for (let i = 0; i < runs; i++) {
    const t = templates[i % templates.length];
    const id = `bench-${String(i).padStart(5, '0')}-${t.id}`;
    fs.writeFileSync(path.join(folder, `${id}.json`), t.text.split(`"${t.id}"`).join(`"${id}"`));
  }
  fs.writeFileSync(path.join(ws, 'runnable-config.yaml'), 'run-log-store:\n  type: file-system\n');
  return folder;
}
