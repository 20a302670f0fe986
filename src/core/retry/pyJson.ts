// Python's `json.dumps(value, sort_keys=True, ensure_ascii=True)` reproduced byte for byte, so a
// dag_hash (sha1 of that text, runnable/context.py) can be computed in TypeScript.
// JSON.parse loses what Python keeps (1.0 vs 1, big ints), so `parsePyJson` keeps number literals.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';

/** A number as Python's json.loads would hold it: an int (exact digits) or a float. */
export class PyNumber {
  constructor(readonly literal: string) {}
  get isFloat(): boolean {
    return /[.eE]/.test(this.literal) || /^-?(NaN|Infinity)$/.test(this.literal);
  }
}

export type PyJson = null | boolean | string | PyNumber | number | PyJson[] | { [key: string]: PyJson };

/** Parses JSON text keeping each number's literal (Python's int/float distinction). Accepts NaN/Infinity like Python. */
export function parsePyJson(text: string): PyJson {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`Invalid JSON at offset ${i}: ${what}`);
  };
  const value = (): PyJson => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [k: string]: PyJson } = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = str();
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        obj[k] = value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] === '}') return obj;
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: PyJson[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] === ']') return arr;
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    for (const [lit, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return v;
      }
    }
    const m = /^(-?(?:Infinity|NaN)|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected character');
    i += m[1].length;
    return new PyNumber(m[1]);
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

/** Python's repr of a float (what json.dumps writes): shortest round-trip digits, `1.0`, `1e-05`, `1e+16`. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // digits and decimal exponent of the shortest representation
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function pyNumber(n: PyNumber | number): string {
  if (typeof n === 'number') return Number.isInteger(n) ? String(n) : pyFloatRepr(n);
  if (!n.isFloat) return BigInt(n.literal).toString(); // Python ints are exact; "-0" -> "0"
  if (/^-?(NaN|Infinity)$/.test(n.literal)) return n.literal === '-NaN' ? 'NaN' : n.literal;
  return pyFloatRepr(Number(n.literal));
}

/** json.dumps' ensure_ascii string: only printable ASCII kept, everything else \uXXXX (lower-case hex). */
function pyString(s: string): string {
  let out = '"';
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    const code = s.charCodeAt(k);
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\b') out += '\\b';
    else if (c === '\f') out += '\\f';
    else if (code >= 0x20 && code <= 0x7e) out += c;
    else out += '\\u' + code.toString(16).padStart(4, '0'); // UTF-16 units = Python's surrogate pairs
  }
  return out + '"';
}

/** Code-point order, as Python sorts str keys (JS's default sort compares UTF-16 units). */
function comparePy(a: string, b: string): number {
  const ca = Array.from(a);
  const cb = Array.from(b);
  for (let k = 0; k < Math.min(ca.length, cb.length); k++) {
    const d = ca[k].codePointAt(0)! - cb[k].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/**
 * `json.dumps(value, sort_keys=True, ensure_ascii=True)` with Python's default separators. `sortKeys: false` keeps the
 * keys in the order read (a parameter value: runnable hands the function the dict in the order its run log holds it).
 */
export function pyDumps(value: unknown, opts: { sortKeys?: boolean } = {}): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number' || value instanceof PyNumber) return pyNumber(value);
  if (Array.isArray(value)) return '[' + value.map((v) => pyDumps(v, opts)).join(', ') + ']';
  if (typeof value === 'object') {
    const keys = opts.sortKeys === false ? Object.keys(value) : Object.keys(value).sort(comparePy);
    return '{' + keys.map((k) => `${pyString(k)}: ${pyDumps((value as Record<string, unknown>)[k], opts)}`).join(', ') + '}';
  }
  throw new TypeError(`Cannot serialise ${typeof value} as JSON`);
}

/** runnable's dag_hash: sha1 of json.dumps(dag, sort_keys=True, ensure_ascii=True). */
export function dagHash(dag: unknown): string {
  return createHash('sha1').update(pyDumps(dag), 'utf8').digest('hex');
}

/** The `run_config.dag` of a raw run log text, numbers kept as Python would read them. */
export function dagFromRunLogText(text: string): PyJson | undefined {
  let parsed = parsePyJson(text);
  // minio stores the run log double-encoded (a JSON string holding the JSON)
  if (typeof parsed === 'string') parsed = parsePyJson(parsed);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || parsed instanceof PyNumber) return undefined;
  const rc = parsed.run_config;
  if (!rc || typeof rc !== 'object' || Array.isArray(rc) || rc instanceof PyNumber) return undefined;
  return rc.dag;
}

/**
 * The run log files that read, each parsed with its number literals kept, in the order given; a file that is
 * missing or not JSON is passed over (a chunked store's run holds several files, and a run may be mid-write).
 */
export async function* readPyJsonFiles(files: string[]): AsyncGenerator<{ file: string; parsed: PyJson }> {
  for (const file of files) {
    let parsed: PyJson;
    try {
      parsed = parsePyJson(await fs.readFile(file, 'utf8'));
    } catch {
      continue;
    }
    yield { file, parsed };
  }
}
