// The timeline's shared time axis. Idle gaps much longer than the work around them (a retry hours after the
// failure) are folded into a fixed-width break so the bars stay readable; the break is labelled with its length.

export interface AxisSegment {
  startMs: number;
  endMs: number;
  /** Position on the axis, 0..1. */
  x0: number;
  x1: number;
  /** A folded idle gap. */
  gap: boolean;
}

export interface TimeAxis {
  startMs: number;
  endMs: number;
  segments: AxisSegment[];
}

const GAP_WIDTH = 0.04;

/**
 * intervals: [start, end] of every attempt (ms). A gap is folded when it is longer than the busy time of the run
 * and longer than a second: shorter gaps stay to scale, so "durations and gaps readable" holds both ways.
 */
export function buildAxis(intervals: Array<[number, number]>): TimeAxis {
  const valid = intervals.filter(([s, e]) => Number.isFinite(s) && Number.isFinite(e) && e >= s).sort((a, b) => a[0] - b[0]);
  if (!valid.length) return { startMs: 0, endMs: 1, segments: [{ startMs: 0, endMs: 1, x0: 0, x1: 1, gap: false }] };
  // Merge overlapping intervals into busy spans.
  const busy: Array<[number, number]> = [];
  for (const [s, e] of valid) {
    const last = busy[busy.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else busy.push([s, e]);
  }
  const busyMs = busy.reduce((t, [s, e]) => t + (e - s), 0);
  const threshold = Math.max(1000, busyMs);
  const raw: Array<{ startMs: number; endMs: number; gap: boolean }> = [];
  let cursor = busy[0][0];
  for (let i = 0; i < busy.length; i++) {
    const [s, e] = busy[i];
    if (s - cursor > threshold) {
      raw.push({ startMs: cursor, endMs: s, gap: true });
    } else if (s > cursor) {
      raw.push({ startMs: cursor, endMs: s, gap: false });
    }
    raw.push({ startMs: s, endMs: e, gap: false });
    cursor = e;
  }
  // Coalesce neighbouring to-scale segments.
  const merged: typeof raw = [];
  for (const r of raw) {
    const last = merged[merged.length - 1];
    if (last && !last.gap && !r.gap) last.endMs = r.endMs;
    else merged.push({ ...r });
  }
  const gaps = merged.filter((m) => m.gap).length;
  const scaledMs = merged.filter((m) => !m.gap).reduce((t, m) => t + (m.endMs - m.startMs), 0) || 1;
  const scaleWidth = 1 - gaps * GAP_WIDTH;
  let x = 0;
  const segments = merged.map((m) => {
    const w = m.gap ? GAP_WIDTH : ((m.endMs - m.startMs) / scaledMs) * scaleWidth;
    const seg = { ...m, x0: x, x1: x + w };
    x += w;
    return seg;
  });
  segments[segments.length - 1].x1 = 1;
  return { startMs: busy[0][0], endMs: busy[busy.length - 1][1], segments };
}

/** Axis position (0..1) of a time; times outside the axis clamp to its ends. Binary search: called per bar. */
export function timeToX(axis: TimeAxis, ms: number): number {
  const segs = axis.segments;
  if (!Number.isFinite(ms) || ms <= segs[0].startMs) return 0;
  if (ms >= segs[segs.length - 1].endMs) return 1;
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (segs[mid].endMs < ms) lo = mid + 1;
    else hi = mid;
  }
  const s = segs[lo];
  const span = s.endMs - s.startMs;
  return span > 0 ? s.x0 + ((ms - s.startMs) / span) * (s.x1 - s.x0) : s.x0;
}
