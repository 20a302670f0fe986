// The file reads config discovery makes (discover.ts, findConfigFiles.ts, configFile.ts), as a small port. The
// extension reads asynchronously (the extension host must not block); the CLI, a one-shot process with nothing
// else to do meanwhile, passes SYNC_CONFIG_FS: each asynchronous read is a round trip through libuv's thread pool,
// and discovery makes several before the first run is read (measured on the 10,000-run bench workspace: discovery
// 13-19 ms asynchronous, 7-13 ms synchronous; scripts/bench/list-show.mjs times the CLI's whole process).
import * as fs from 'node:fs';

export interface ConfigFs {
  stat(file: string): Promise<fs.Stats>;
  readFile(file: string): Promise<string>;
  readdir(dir: string): Promise<fs.Dirent[]>;
}

export const ASYNC_CONFIG_FS: ConfigFs = {
  stat: (f) => fs.promises.stat(f),
  readFile: (f) => fs.promises.readFile(f, 'utf8'),
  readdir: (d) => fs.promises.readdir(d, { withFileTypes: true }),
};

// async: a throw becomes a rejection, as from the asynchronous reads.
export const SYNC_CONFIG_FS: ConfigFs = {
  stat: async (f) => fs.statSync(f),
  readFile: async (f) => fs.readFileSync(f, 'utf8'),
  readdir: async (d) => fs.readdirSync(d, { withFileTypes: true }),
};
