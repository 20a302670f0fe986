// The catalog files the first re-run step gets before its function is called. runnable's retry restores them from the
// run's own catalog folder (extensions/catalog/any_path.py get: `<catalog_location>/<run_id>/<compute_data_folder>`,
// each `get` a glob matched with pathlib, execution logs and folders left out) and stops the step with "Did not find
// any files matching <glob> in <folder>" when one matches nothing: the function is never called, so the debugger
// never stops in it. Observed with real runnable (extract puts data/rows.csv, load gets it and fails; the retry with
// data/ deleted restored it from .catalog/<run_id>/data/rows.csv). Only a local (file-system) catalog is looked in.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { StoreDescriptor } from '../config/descriptor';
import { dagNodeAt, type RawDagNode } from '../runlog/dag';
import type { Run } from '../runlog/model';

export interface CatalogGet {
  /** The glob the step's `catalog.get` names. */
  pattern: string;
  /** The files it matches in the run's catalog folder (relative to cwd when inside it); empty: none, or not looked. */
  files: string[];
  /** false when the catalog is not a local folder: not looked in. */
  checked: boolean;
}

export interface CatalogGets {
  gets: CatalogGet[];
  /** The run's catalog folder looked in; undefined when the catalog is not a local folder (not looked in). */
  folder?: string;
}

/** pathlib's glob as a regular expression over `/`-separated relative paths: `*`, `?`, `[…]` within a part, `**` across. */
export function globRegExp(pattern: string): RegExp {
  const parts = pattern.split('/').filter((p) => p !== '' && p !== '.');
  let re = '';
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part === '**') {
      re += last ? '(?:[^/]+(?:/[^/]+)*)?' : '(?:[^/]+/)*';
      return;
    }
    let p = '';
    for (let j = 0; j < part.length; j++) {
      const c = part[j];
      if (c === '*') p += '[^/]*';
      else if (c === '?') p += '[^/]';
      else if (c === '[') {
        const end = part.indexOf(']', j + 2);
        if (end < 0) p += '\\[';
        else {
          const body = part.slice(j + 1, end);
          p += `[${body.startsWith('!') ? `^${body.slice(1)}` : body.replace(/\\/g, '\\\\')}]`;
          j = end;
        }
      } else p += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
    re += p + (last ? '' : '/');
  });
  return new RegExp(`^${re}$`);
}

async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...await filesUnder(path.join(dir, e.name), rel));
    else if (!e.name.endsWith('.execution.log')) out.push(rel);
  }
  return out;
}

/** The `catalog.get` globs of step `internalName` and, for a local catalog, the files each matches there. */
export async function catalogGets(run: Run, internalName: string, store: StoreDescriptor, cwd: string): Promise<CatalogGets | undefined> {
  const catalog = dagNodeAt(run, internalName) as (RawDagNode & { catalog?: { get?: unknown } }) | undefined;
  const patterns = Array.isArray(catalog?.catalog?.get) ? catalog.catalog.get.filter((g): g is string => typeof g === 'string') : [];
  if (!patterns.length) return undefined;
  const local = store.catalog?.type === 'file-system' && !/^[a-z0-9]+:\/\//i.test(store.catalog.location);
  if (!local) return { gets: patterns.map((pattern) => ({ pattern, files: [], checked: false })) };
  const recorded = (run.runConfig?.catalog as { compute_data_folder?: unknown } | undefined)?.compute_data_folder;
  const folder = path.resolve(cwd, store.catalog!.location, run.runId, typeof recorded === 'string' ? recorded : '.');
  const files = await filesUnder(folder);
  const shown = (f: string) => {
    const rel = path.relative(cwd, path.join(folder, f));
    return rel.startsWith('..') || path.isAbsolute(rel) ? path.join(folder, f) : rel;
  };
  return { folder, gets: patterns.map((pattern) => ({ pattern, files: files.filter((f) => globRegExp(pattern).test(f)).map(shown), checked: true })) };
}
