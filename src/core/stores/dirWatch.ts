// Watches one local store folder for entries that appear, change or go, starting the moment this returns.
//
// Why not only VS Code's file watcher: `workspace.createFileSystemWatcher` starts asynchronously (the file service
// sets the OS watch up later), so a run file written just after a store's root appeared could be missed and the
// view would list a stale folder until something else changed. `fs.watch` registers its inotify/FSEvents watch
// before it returns, so a write after discovery is always seen. It watches the folder itself (not recursively):
// file-system runs are `<id>.json` directly inside, chunked-fs runs are `<id>/` folders; changes deeper inside a
// chunked run still come from VS Code's recursive watcher beside this one. A folder that does not exist yet is
// waited for through its parent (runnable creates the store folder on the first run).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface DirWatch {
  dispose(): void;
}

/** `onChange(name)`: the entry of `dir` that changed (null when the OS did not say), or null when `dir` itself appeared. */
export function watchDirectory(dir: string, onChange: (name: string | null) => void): DirWatch {
  let watcher: fs.FSWatcher | undefined;
  let disposed = false;
  const close = () => {
    try { watcher?.close(); } catch { /* already closed */ }
    watcher = undefined;
  };
  const watchSelf = (): boolean => {
    try {
      const w = fs.watch(dir, { persistent: true }, (_event, name) => onChange(name ? name.toString() : null));
      // The folder removed or the watch lost: wait for it again through the parent.
      w.on('error', () => { if (!disposed) { close(); watchParent(); } });
      watcher = w;
      return true;
    } catch {
      return false;
    }
  };
  const watchParent = () => {
    const parent = path.dirname(dir);
    const base = path.basename(dir);
    try {
      const w = fs.watch(parent, { persistent: true }, (_event, name) => {
        if (disposed || (name && name.toString() !== base) || !fs.existsSync(dir)) return;
        close();
        if (watchSelf()) onChange(null);
      });
      w.on('error', () => close());
      watcher = w;
      // Created between the failed watch and this one.
      if (fs.existsSync(dir)) { close(); if (watchSelf()) onChange(null); }
    } catch {
      // No parent either (or no permission): VS Code's watcher is the only one for this store.
    }
  };
  if (!watchSelf()) watchParent();
  return { dispose: () => { disposed = true; close(); } };
}
