// runnable's time stamps (Python str(datetime.now()), local time, no zone) read as epoch ms.

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRunnableTime, parseRunnableTime } from '../../src/core/runlog/time';

describe('runlog: parseRunnableTime', () => {
  it('reads local time with microseconds kept as a fraction', () => {
    const ms = parseRunnableTime('2026-11-24 22:25:32.930947');
    assert.equal(Math.floor(ms), new Date(2026, 10, 24, 22, 25, 32, 930).getTime());
    assert.ok(Math.abs(ms - Math.floor(ms) - 0.947) < 1e-3, "doubles keep the microseconds to within 0.25 µs at this epoch");
    assert.ok(parseRunnableTime('2026-11-24 22:25:32.930948') > ms, 'a microsecond later orders later');
  });

  it('accepts a stamp without fraction (microsecond 0), a T separator and a zone', () => {
    assert.equal(parseRunnableTime('2026-11-24 22:25:32'), new Date(2026, 10, 24, 22, 25, 32).getTime());
    assert.equal(parseRunnableTime('2026-11-24T22:25:32'), new Date(2026, 10, 24, 22, 25, 32).getTime());
    assert.equal(parseRunnableTime('2026-11-24 22:25:32+01:00'), Date.UTC(2026, 10, 24, 21, 25, 32));
    assert.equal(parseRunnableTime('2026-11-24 22:25:32Z'), Date.UTC(2026, 10, 24, 22, 25, 32));
  });

  it('NaN for empty or unreadable stamps', () => {
    for (const s of ['', 'yesterday', '24/11/2026 22:25', '2026-11-24']) {
      assert.ok(Number.isNaN(parseRunnableTime(s)), s);
    }
  });

  it('formats epoch ms back in runnable form', () => {
    const s = '2026-11-24 22:25:32.930947';
    assert.equal(formatRunnableTime(parseRunnableTime(s)), s);
    assert.equal(formatRunnableTime(NaN), undefined);
  });
});
