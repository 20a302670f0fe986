// A folder's every file and subfolder with mtime, size and content hash: tests compare two snapshots to prove that
// browsing (listing, showing, reading catalogs) never writes to a store.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function treeSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = fs.statSync(p);
      if (e.isDirectory()) {
        out[p] = `dir ${st.mtimeMs}`;
        walk(p);
      } else out[p] = `${st.mtimeMs} ${st.size} ${createHash('sha1').update(fs.readFileSync(p)).digest('hex')}`;
    }
  };
  walk(dir);
  return out;
}
