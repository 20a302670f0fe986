// runnable's time stamps: Python `str(datetime.now())`, local wall-clock time without a zone
// (`2026-11-24 22:25:32.930947`; the fraction is omitted when microseconds are 0).

const TIME_RE = /^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/**
 * Epoch milliseconds of a runnable time stamp read as local time (as runnable wrote it), with the
 * microseconds kept as a fraction so attempts within the same millisecond still order correctly.
 * A zone suffix (datetime.fromisoformat accepts one) is honoured. NaN for "" or anything unreadable.
 */
export function parseRunnableTime(s: string): number {
  if (!s) {
    return NaN;
  }
  const m = TIME_RE.exec(s);
  if (!m) {
    return NaN;
  }
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const fracMs = frac ? Number(`0.${frac}`) * 1000 : 0;
  const wholeMs = Math.floor(fracMs);
  let ms: number;
  if (zone) {
    ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, sec ? +sec : 0, wholeMs);
    if (zone.toUpperCase() !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      const offsetMin = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2, 4)) : 0);
      ms -= sign * offsetMin * 60_000;
    }
  } else {
    ms = new Date(+y, +mo - 1, +d, +h, +mi, sec ? +sec : 0, wholeMs).getTime();
  }
  if (!Number.isFinite(ms)) {
    return NaN;
  }
  return ms + (fracMs - wholeMs);
}

/** Epoch ms -> runnable's own format (`2026-11-24 22:25:32.930947`, local time), e.g. for a file's mtime. */
export function formatRunnableTime(ms: number): string | undefined {
  if (!Number.isFinite(ms)) {
    return undefined;
  }
  const d = new Date(Math.floor(ms));
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const micros = Math.round((ms - Math.floor(ms / 1000) * 1000) * 1000);
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(Math.min(micros, 999999), 6)}`;
}
