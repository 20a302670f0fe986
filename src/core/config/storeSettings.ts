// A store's settings as runnable instantiates it: the service's `config:` block with each service's defaults
// (extensions/run_log_store/*.py, extensions/catalog/*.py), resolved locations, and secrets kept out of `settings`.
import * as path from 'node:path';
import { withoutUserInfo } from '../text/url';

/** Run log store types runnable ships (pyproject entry points `run_log_store`). */
export const KNOWN_STORE_TYPES = ['file-system', 'chunked-fs', 'minio', 'chunked-minio', 'buffered'] as const;
/** Catalog types runnable ships (entry points `catalog`). */
export const KNOWN_CATALOG_TYPES = ['file-system', 'minio', 's3', 'do-nothing'] as const;

/** runnable's defaults.LOG_LOCATION_FOLDER and CATALOG_LOCATION_FOLDER. */
export const DEFAULT_LOG_FOLDER = '.run_log_store';
export const DEFAULT_CATALOG_LOCATION = '.catalog';

// Minio defaults as the pydantic models declare them (run_log_store/minio.py, chunked_minio.py, catalog/minio.py).
const MINIO_ENDPOINT = 'http://localhost:9002';
const MINIO_USER = 'minioadmin';
const RUN_LOG_BUCKET = 'runnable/run-logs';
const CATALOG_BUCKET = 'runnable';

const SECRET_KEY = /secret|password|token|access_key/i;
export const MASK = '****';

/** What runnable passes to the service's constructor: the `config:` block, else the keys beside `type`. */
export function serviceKwargs(service: Record<string, unknown>): Record<string, unknown> {
  if ('config' in service) {
    const c = service.config;
    return c && typeof c === 'object' && !Array.isArray(c) ? { ...(c as Record<string, unknown>) } : {};
  }
  const { type: _type, ...rest } = service;
  return rest;
}

export interface S3Secrets {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ResolvedStore {
  type: string;
  location: string;
  /** Distinct-store identity: type + resolved location (+ endpoint for S3). */
  id: string;
  settings: Record<string, unknown>;
  secrets?: S3Secrets;
}

function str(v: unknown, fallback: string): string {
  return v === undefined || v === null || v === '' ? fallback : String(v);
}

/** Settings with every secret-looking value masked, safe for labels, tooltips and logs. */
export function maskSecrets(settings: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) out[k] = SECRET_KEY.test(k) && v !== undefined && v !== '' ? MASK : v;
  return out;
}

function s3(type: string, kw: Record<string, unknown>, defaultBucket: string): ResolvedStore {
  // `http://user:password@host` is dropped to `http://host` before it becomes an id, a setting, a manifest's source
  // or a TreeItem id: S3 signs requests with the access keys, and neither our SDK nor runnable's (boto3 through
  // cloudpathlib) authenticates with URL userinfo, so the password has no use and would only be written around.
  const endpoint = withoutUserInfo(str(kw.endpoint_url, MINIO_ENDPOINT));
  const bucket = str(kw.bucket, defaultBucket);
  const secrets = { accessKeyId: str(kw.aws_access_key_id, MINIO_USER), secretAccessKey: str(kw.aws_secret_access_key, MINIO_USER) };
  const settings = maskSecrets({ ...kw, endpoint_url: endpoint, bucket, aws_access_key_id: secrets.accessKeyId, aws_secret_access_key: secrets.secretAccessKey });
  return { type, location: `s3://${bucket}`, id: `${type}:${endpoint.replace(/\/+$/, '')}/${bucket}`, settings, secrets };
}

/** The run log store a config's `run-log-store` section names, relative folders resolved against `cwd`. */
export function resolveRunLogStore(type: string, kw: Record<string, unknown>, cwd: string): ResolvedStore {
  switch (type) {
    case 'file-system':
    case 'chunked-fs': {
      const logFolder = str(kw.log_folder, DEFAULT_LOG_FOLDER);
      const location = path.resolve(cwd, logFolder);
      return { type, location, id: `${type}:${location}`, settings: maskSecrets({ ...kw, log_folder: logFolder }) };
    }
    case 'minio':
    case 'chunked-minio':
      return s3(type, kw, RUN_LOG_BUCKET);
    case 'buffered':
      // In-memory store of one runnable process: nothing to read afterwards, so every buffered config is one root.
      return { type, location: '(in memory)', id: 'buffered:', settings: maskSecrets(kw) };
    default:
      return { type, location: '', id: `unknown:${type}`, settings: maskSecrets(kw) };
  }
}

/** The catalog a config's `catalog` section names (runnable's default: file-system in `.catalog`). */
export function resolveCatalog(type: string, kw: Record<string, unknown>, cwd: string): ResolvedStore {
  switch (type) {
    case 'file-system': {
      const loc = str(kw.catalog_location, DEFAULT_CATALOG_LOCATION);
      const location = path.resolve(cwd, loc);
      return { type, location, id: `${type}:${location}`, settings: maskSecrets({ ...kw, catalog_location: loc }) };
    }
    case 'minio':
    case 's3':
      return s3(type, kw, CATALOG_BUCKET);
    default:
      return { type, location: '', id: `${type}:`, settings: maskSecrets(kw) };
  }
}
