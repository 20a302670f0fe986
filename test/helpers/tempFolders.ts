// Temporary folders for a unit test file, removed when its tests are done (node:test `after`).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';

export function tempFolders(): { temp(prefix: string): string; copy(from: string, prefix: string): string; track(dir: string): string } {
  const made: string[] = [];
  after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const track = (dir: string): string => {
    made.push(dir);
    return dir;
  };
  const temp = (prefix: string): string => track(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  const copy = (from: string, prefix: string): string => {
    const dir = temp(prefix);
    fs.cpSync(from, dir, { recursive: true });
    return dir;
  };
  return { temp, copy, track };
}
