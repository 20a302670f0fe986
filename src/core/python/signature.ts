// A Python function's parameters as runnable's filter_arguments_for_func sees them
// (runnable/parameters.py): which names it binds, which have defaults, and the catch-alls.

export type ParamKindPy = 'positional_only' | 'positional_or_keyword' | 'var_positional' | 'keyword_only' | 'var_keyword';

export interface SignatureParam {
  name: string;
  kind: ParamKindPy;
  hasDefault: boolean;
  /** Annotated `argparse.Namespace`: runnable passes the unclaimed parameters as its attributes. */
  namespace: boolean;
}

/**
 * The names of `params` that runnable binds to a function with this signature, and the required
 * parameters it cannot bind (runnable raises ValueError before calling the function for those).
 * `**kwargs` takes every other parameter; an `argparse.Namespace` parameter takes them as attributes.
 */
export function bindParameters(signature: SignatureParam[], available: string[]): { bound: string[]; missing: string[] } {
  const avail = new Set(available);
  const bound: string[] = [];
  const missing: string[] = [];
  let catchAll = false;
  for (const p of signature) {
    if (p.kind === 'var_positional') continue;
    if (p.kind === 'var_keyword' || p.namespace) {
      catchAll = true;
      continue;
    }
    if (avail.has(p.name)) bound.push(p.name);
    else if (!p.hasDefault) missing.push(p.name);
  }
  if (catchAll) for (const name of available) if (!bound.includes(name)) bound.push(name);
  return { bound, missing };
}
