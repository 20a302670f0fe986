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

// The list formats 10,000 mtimes and reads 10,000 start times through per-quarter-hour memos (time.ts); they
// must give exactly what plain Date arithmetic gives, also across daylight-saving changes and in zones whose
// offsets are not whole hours. Each zone runs in a child process (TZ is read once per process).
describe('runlog: memoised local-time reading and formatting agree with Date, in any zone', () => {
  const timeJs = require.resolve('../../src/core/runlog/time');
  const check = `
    const t = require(${JSON.stringify(timeJs)});
    const bad = [];
    // Every 7 min 13.000417 s over 2 years (crosses every DST change), plus the minutes around 2:00-3:00 local.
    for (let ms = Date.UTC(2025, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 433000.417) {
      if (t.formatRunnableTime(ms) !== t.formatDirect(ms)) bad.push(['format', ms, t.formatRunnableTime(ms), t.formatDirect(ms)]);
    }
    for (const [y, mo, d] of [[2026, 3, 8], [2026, 11, 1], [2026, 3, 29], [2026, 10, 25], [2026, 4, 5], [2026, 10, 4]]) {
      for (let h = 0; h < 4; h++) for (let mi = 0; mi < 60; mi += 7) {
        const want = new Date(y, mo - 1, d, h, mi, 5, 250).getTime() + 0.5;
        const got = t.localTimeMs(y, mo, d, h, mi, 5, 250.5);
        if (got !== want) bad.push(['local', y, mo, d, h, mi, got, want]);
        const stamp = y + '-' + String(mo).padStart(2, '0') + '-' + String(d).padStart(2, '0') + ' ' + String(h).padStart(2, '0') + ':' + String(mi).padStart(2, '0') + ':05.250500';
        if (t.parseRunnableTime(stamp) !== want) bad.push(['parse', stamp, t.parseRunnableTime(stamp), want]);
      }
    }
    console.log(JSON.stringify(bad.slice(0, 5)));`;
  for (const tz of ['UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns']) {
    it(tz, () => {
      const out = require('node:child_process').execFileSync(process.execPath, ['-e', check], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
      assert.deepEqual(JSON.parse(out), [], out);
    });
  }

  it('reads 1-9 fraction digits as parseRunnableTime always did (value / 10^(digits-3))', () => {
    const base = new Date(2026, 10, 24, 22, 25, 32).getTime();
    assert.equal(parseRunnableTime('2026-11-24 22:25:32.5'), base + 500);
    assert.equal(parseRunnableTime('2026-11-24 22:25:32.05'), base + 50);
    assert.equal(parseRunnableTime('2026-11-24 22:25:32.123456789'), base + 123.456789);
  });
});
