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
  const fracMs = frac ? fractionMs(Number(frac), frac.length) : 0;
  if (!zone) {
    return localTimeMs(+y, +mo, +d, +h, +mi, sec ? +sec : 0, fracMs);
  }
  const wholeMs = Math.floor(fracMs);
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, sec ? +sec : 0, wholeMs);
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2, 4)) : 0);
    ms -= sign * offsetMin * 60_000;
  }
  if (!Number.isFinite(ms)) {
    return NaN;
  }
  return ms + (fracMs - wholeMs);
}

/** A fraction of a second written with `digits` digits (`930947`, 6) in milliseconds (930.947), rounded once. */
export function fractionMs(value: number, digits: number): number {
  return digits <= 3 ? value * 10 ** (3 - digits) : value / 10 ** (digits - 3);
}

// The local zone's offset per local quarter hour, so that reading 10,000 time stamps does not build 10,000 Date
// objects. Zone changes fall on a quarter hour of local time in every zone in use today (Lord Howe jumps from
// 02:00 to 02:30), so the offset at the start of a quarter holds for the whole quarter.
const offsets = new Map<number, number>();

/**
 * Epoch ms of a local wall-clock time (month 1-12; `fracMs` may carry microseconds as a fraction): what
 * `new Date(y, mo - 1, d, h, mi, s, ms).getTime()` gives, plus the fraction, with the zone offset memoised per quarter hour.
 */
export function localTimeMs(y: number, mo: number, d: number, h: number, mi: number, s: number, fracMs: number): number {
  const wholeMs = Math.floor(fracMs);
  const quarterMi = mi - (mi % 15);
  const quarter = Date.UTC(y, mo - 1, d, h, quarterMi);
  let offset = offsets.get(quarter);
  if (offset === undefined) {
    offset = new Date(y, mo - 1, d, h, quarterMi).getTime() - quarter;
    if (offsets.size > 50_000) offsets.clear();
    offsets.set(quarter, offset);
  }
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, wholeMs) + offset;
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
  // The list formats one mtime per run (10,000s): the local "YYYY-MM-DD HH:" is memoised per quarter hour of
  // UTC (zone offsets are whole quarter hours, so every zone change falls on one), the rest is arithmetic.
  const whole = Math.floor(ms);
  const quarter = Math.floor(whole / 900_000);
  let prefix = prefixes.get(quarter);
  if (prefix === undefined) {
    const d = new Date(quarter * 900_000);
    // A zone offset with seconds or odd minutes (local mean time of old dates): no memo, format directly.
    if (d.getSeconds() !== 0 || d.getMinutes() % 15 !== 0) return formatDirect(ms);
    prefix = `${d.getFullYear()}-${TWO[d.getMonth() + 1]}-${TWO[d.getDate()]} ${TWO[d.getHours()]}:`;
    if (prefixes.size > 50_000) {
      prefixes.clear();
      localMinuteOffset.clear();
    }
    prefixes.set(quarter, prefix);
    localMinuteOffset.set(quarter, d.getMinutes());
  }
  const withinQuarter = whole - quarter * 900_000;
  const minute = localMinuteOffset.get(quarter)! + Math.floor(withinQuarter / 60_000);
  const second = Math.floor(withinQuarter / 1000) % 60;
  const micros = Math.min(Math.round((ms - Math.floor(ms / 1000) * 1000) * 1000), 999_999);
  return `${prefix}${TWO[minute]}:${TWO[second]}.${String(micros).padStart(6, '0')}`;
}

const TWO = Array.from({ length: 61 }, (_, i) => String(i).padStart(2, '0'));
const prefixes = new Map<number, string>();
/** The local minute at the start of each memoised quarter hour (0, 15, 30 or 45; other values in odd zones). */
const localMinuteOffset = new Map<number, number>();

/** The same text from a Date's local fields (the unmemoised way; also what the unit tests compare against). */
export function formatDirect(ms: number): string {
  const d = new Date(Math.floor(ms));
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const micros = Math.round((ms - Math.floor(ms / 1000) * 1000) * 1000);
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(Math.min(micros, 999999), 6)}`;
}

// --- for people: the Runs view, the details page and the YAML hover say the same -------------------------------

export function formatDuration(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return undefined;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - h * 60} min`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", else the date. */
export function formatRelative(thenMs: number, nowMs: number): string | undefined {
  if (!Number.isFinite(thenMs)) return undefined;
  const d = nowMs - thenMs;
  if (d < 0) return new Date(thenMs).toLocaleString();
  const min = Math.floor(d / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ago`;
  const days = Math.floor(h / 24);
  if (days < 30) return days === 1 ? 'yesterday' : `${days} days ago`;
  return new Date(thenMs).toISOString().slice(0, 10);
}

