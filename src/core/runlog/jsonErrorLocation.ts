// Where a JSON text goes wrong, for error messages: V8's JSON.parse does not always give a position
// ("Unexpected token 'F', ... is not valid JSON"), so the failing text is re-scanned (error path only).

export interface JsonErrorLocation {
  /** Offset of the first character that cannot be part of valid JSON (text length when it ends early). */
  position: number;
  /** The text ended before the JSON value was complete. */
  truncated: boolean;
  reason: string;
}

class Stop extends Error {
  constructor(readonly position: number, readonly truncated: boolean, readonly reason: string) {
    super(reason);
  }
}

/** Scans `text` as JSON; undefined when it is valid. */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) {
      i++;
    }
  };
  const fail = (reason: string): never => {
    if (i >= n) {
      throw new Stop(n, true, 'the text ends early');
    }
    throw new Stop(i, false, reason);
  };
  const str = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= n) {
        fail('');
      }
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c === 92) {
        i++;
        if (i >= n) {
          fail('');
        }
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (i + k >= n) {
              i = n;
              fail('');
            }
            if (!/[0-9a-fA-F]/.test(text[i + k])) {
              i += k;
              fail('bad \\u escape in a string');
            }
          }
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i])) {
          i++;
        } else {
          fail(`bad escape "\\${text[i]}" in a string`);
        }
        continue;
      }
      if (c < 32) {
        fail('control character inside a string');
      }
      i++;
    }
  };
  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++, i++) {
      if (i >= n) {
        fail('');
      }
      if (text[i] !== word[k]) {
        fail(`unexpected ${JSON.stringify(text[i])}`);
      }
    }
  };
  const num = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') {
      fail(`unexpected ${JSON.stringify(text[i])}`);
    }
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    if (i >= n) {
      fail('');
    }
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') {
          fail(`expected a double-quoted property name, found ${JSON.stringify(text[i])}`);
        }
        str();
        ws();
        if (text[i] !== ':') {
          fail(`expected ":" after a property name, found ${JSON.stringify(text[i])}`);
        }
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected "," or "}" after a property value, found ${JSON.stringify(text[i])}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected "," or "]" after an array element, found ${JSON.stringify(text[i])}`);
      }
    }
    if (c === '"') {
      str();
    } else if (c === 't') {
      literal('true');
    } else if (c === 'f') {
      literal('false');
    } else if (c === 'n') {
      literal('null');
    } else {
      num();
    }
  };
  try {
    value();
    ws();
    if (i < n) {
      fail(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`);
    }
    return undefined;
  } catch (e) {
    if (e instanceof Stop) {
      return { position: e.position, truncated: e.truncated, reason: e.reason };
    }
    throw e;
  }
}
