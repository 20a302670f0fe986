// Tiny DOM helpers for the webview (no framework): element builders and status names for CSS classes.

type Attrs = Record<string, string | number | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string | undefined>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  for (const c of children) if (c !== undefined) el.append(c);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string | undefined>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  for (const c of children) if (c !== undefined) el.append(c);
  return el;
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', String(v));
    // Through the CSSOM: the strict CSP (no 'unsafe-inline' styles) blocks style *attributes*, not CSSOM writes.
    else if (k === 'style') (el as HTMLElement).style.cssText = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

/** `status-fail`, `status-success`, `status-not_run`…: one class per runnable status. */
export function statusClass(status: string): string {
  return `status-${status.toLowerCase().replace(/[^a-z_]/g, '')}`;
}

export function statusText(status: string): string {
  switch (status) {
    case 'SUCCESS': return 'succeeded';
    case 'FAIL': return 'failed';
    case 'PROCESSING': return 'running';
    case 'NOT_RUN': return 'not run';
    default: return status.toLowerCase();
  }
}

/** Monospace-ish width estimate of a label in px (12px UI font), to decide where it fits. */
export function textWidth(text: string): number {
  return text.length * 6.6 + 8;
}
