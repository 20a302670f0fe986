// The catalog files the first re-run step gets before its function is called. runnable's retry restores them from the
// run's own catalog folder (extensions/catalog/any_path.py get: `<catalog_location>/<run_id>/<compute_data_folder>`,
// each `get` a glob matched with pathlib, execution logs and folders left out) and stops the step with "Did not find
// any files matching <glob> in <folder>" when one matches nothing: the function is never called, so the debugger
// never stops in it. Observed with real runnable (extract puts data/rows.csv, load gets it and fails; the retry with
// data/ deleted restored it from .catalog/<run_id>/data/rows.csv). The catalog is listed by the store that read the
// run (local folder or S3), as the Runs view lists it.
import * as path from 'node:path';
import { dagNodeAt, type RawDagNode } from '../runlog/dag';
import type { Run } from '../runlog/model';
import type { RunLogStore } from '../stores/runLogStore';

export interface CatalogGet {
  /** The glob the step's `catalog.get` names. */
  pattern: string;
  /** The files it matches in the run's catalog folder (relative to cwd when inside it); empty: none, or not looked. */
  files: string[];
  /** false when the catalog could not be listed (no catalog, an S3 endpoint unreachable): not looked in. */
  checked: boolean;
}

export interface CatalogGets {
  gets: CatalogGet[];
  /** The run's catalog folder looked in (relative to cwd when inside it); undefined when it could not be listed. */
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

/** The `catalog.get` globs of step `internalName` and the files each matches in the run's catalog, listed by its store. */
export async function catalogGets(run: Run, internalName: string, store: Pick<RunLogStore, 'descriptor' | 'listCatalog'>, cwd: string): Promise<CatalogGets | undefined> {
  const catalog = dagNodeAt(run, internalName) as (RawDagNode & { catalog?: { get?: unknown } }) | undefined;
  const patterns = Array.isArray(catalog?.catalog?.get) ? catalog.catalog.get.filter((g): g is string => typeof g === 'string') : [];
  if (!patterns.length) return undefined;
  const location = store.descriptor.catalog?.location;
  // The store's catalog listing: every file under the run's folder, `/`-separated (local or S3).
  const names = location ? await store.listCatalog(run.runId).catch(() => undefined) : undefined;
  if (!location || !names) return { gets: patterns.map((pattern) => ({ pattern, files: [], checked: false })) };
  // runnable gets from `<run_id>/<compute_data_folder>/` (the folder the run recorded; "." by default).
  const recorded = (run.runConfig?.catalog as { compute_data_folder?: unknown } | undefined)?.compute_data_folder;
  const sub = (typeof recorded === 'string' ? recorded : '.').split('/').filter((p) => p && p !== '.').join('/');
  const remote = /^[a-z0-9]+:\/\//i.test(location);
  const base = remote ? `${location.replace(/\/$/, '')}/${run.runId}` : path.join(location, run.runId);
  const folder = sub ? (remote ? `${base}/${sub}` : path.join(base, sub)) : base;
  const shown = (f: string) => {
    if (remote) return `${folder}/${f}`;
    const rel = path.relative(cwd, path.join(folder, f));
    return rel.startsWith('..') || path.isAbsolute(rel) ? path.join(folder, f) : rel;
  };
  const candidates = names
    .filter((n) => !n.endsWith('.execution.log') && (!sub || n.startsWith(`${sub}/`)))
    .map((n) => (sub ? n.slice(sub.length + 1) : n));
  return { folder: remote ? folder : shown(''), gets: patterns.map((pattern) => ({ pattern, files: candidates.filter((f) => globRegExp(pattern).test(f)).map(shown), checked: true })) };
}
