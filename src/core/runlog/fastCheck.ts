// A hand-written fast path for schema.ts: checks a decoded run log / branch log and fills runnable's
// defaults in place, ~10x cheaper than zod on a 1,000-iteration map. Any deviation returns false and
// the caller runs the zod schema, which stays the reference (and words the error with its JSON path).
// Kept in step with schema.ts by the fixture tests, which compare both paths' results.

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `o[key]` is a string (or, with `nullable`, null); a missing key takes `fallback`. */
function str(o: Obj, key: string, fallback: string | null, nullable = false): boolean {
  const v = o[key];
  if (v === undefined) {
    o[key] = fallback;
    return true;
  }
  return typeof v === 'string' || (nullable && v === null);
}

function bool(o: Obj, key: string, fallback: boolean, nullable = false): boolean {
  const v = o[key];
  if (v === undefined) {
    o[key] = fallback;
    return true;
  }
  return typeof v === 'boolean' || (nullable && v === null);
}

function arrayOf(o: Obj, key: string, item: (v: unknown) => boolean): boolean {
  const v = o[key];
  if (v === undefined) {
    o[key] = [];
    return true;
  }
  if (!Array.isArray(v)) {
    return false;
  }
  for (const x of v) {
    if (!item(x)) {
      return false;
    }
  }
  return true;
}

function recordOf(o: Obj, key: string, item: (v: unknown) => boolean): boolean {
  const v = o[key];
  if (v === undefined) {
    o[key] = {};
    return true;
  }
  if (!isObj(v)) {
    return false;
  }
  for (const k in v) {
    if (!item(v[k])) {
      return false;
    }
  }
  return true;
}

function parameter(v: unknown): boolean {
  if (!isObj(v)) {
    return false;
  }
  const kind = v.kind;
  if (kind === 'object') {
    return typeof v.value === 'string';
  }
  return kind === 'json' || kind === 'metric';
}

function codeIdentity(v: unknown): boolean {
  return (
    isObj(v) &&
    str(v, 'code_identifier', '', true) &&
    str(v, 'code_identifier_type', '', true) &&
    bool(v, 'code_identifier_dependable', false, true) &&
    str(v, 'code_identifier_url', '', true) &&
    str(v, 'code_identifier_message', '', true)
  );
}

function dataCatalog(v: unknown): boolean {
  return (
    isObj(v) &&
    typeof v.name === 'string' &&
    str(v, 'data_hash', '') &&
    str(v, 'catalog_relative_path', '') &&
    str(v, 'catalog_handler_location', '') &&
    str(v, 'stage', '')
  );
}

function attempt(v: unknown): boolean {
  if (!isObj(v)) {
    return false;
  }
  if (v.attempt_number === undefined) {
    v.attempt_number = 1;
  } else if (!Number.isInteger(v.attempt_number)) {
    return false;
  }
  return (
    str(v, 'start_time', '') &&
    str(v, 'end_time', '') &&
    str(v, 'status', 'FAIL') &&
    str(v, 'message', '') &&
    recordOf(v, 'input_parameters', parameter) &&
    recordOf(v, 'output_parameters', parameter) &&
    recordOf(v, 'user_defined_metrics', parameter) &&
    str(v, 'retry_indicator', '') &&
    arrayOf(v, 'code_identities', codeIdentity)
  );
}

function stepLog(v: unknown): boolean {
  return (
    isObj(v) &&
    typeof v.name === 'string' &&
    typeof v.internal_name === 'string' &&
    str(v, 'status', 'FAIL') &&
    str(v, 'step_type', 'task') &&
    str(v, 'message', '') &&
    bool(v, 'mock', false) &&
    arrayOf(v, 'attempts', attempt) &&
    recordOf(v, 'branches', branchLog) &&
    arrayOf(v, 'data_catalog', dataCatalog)
  );
}

export function branchLog(v: unknown): boolean {
  return (
    isObj(v) &&
    typeof v.internal_name === 'string' &&
    str(v, 'status', 'FAIL') &&
    recordOf(v, 'steps', stepLog) &&
    recordOf(v, 'parameters', parameter)
  );
}

function jobLog(v: unknown): boolean {
  return (
    isObj(v) &&
    str(v, 'status', 'FAIL') &&
    str(v, 'message', '') &&
    bool(v, 'mock', false) &&
    arrayOf(v, 'code_identities', codeIdentity) &&
    arrayOf(v, 'attempts', attempt) &&
    arrayOf(v, 'data_catalog', dataCatalog)
  );
}

export function runLog(v: unknown): boolean {
  if (!isObj(v) || typeof v.run_id !== 'string') {
    return false;
  }
  if (v.job === undefined) {
    v.job = null;
  } else if (v.job !== null && !jobLog(v.job)) {
    return false;
  }
  if (v.run_config === undefined) {
    v.run_config = {};
  } else if (!isObj(v.run_config)) {
    return false;
  }
  return (
    str(v, 'dag_hash', null, true) &&
    str(v, 'tag', '', true) &&
    str(v, 'status', 'FAIL') &&
    recordOf(v, 'steps', stepLog) &&
    recordOf(v, 'parameters', parameter)
  );
}
