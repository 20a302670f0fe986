// Decides whether a YAML text is a runnable pipeline or config, from its top-level keys alone (cheap: runs on
// every opened YAML file). Other YAML (GitHub workflows, parameter files, k8s specs) is left alone.

export type RunnableFileKind = 'pipeline' | 'config';

const STRONG = /^(dag|run[-_]log[-_]store|pipeline[-_]executor|job[-_]executor)\s*:/m;
// `catalog:`, `secrets:` and `pickler:` are common words; they count when followed by a plugin `type:`.
const WEAK = /^(catalog|secrets|pickler)\s*:\s*(#.*)?\r?\n(\s*#.*\r?\n)*\s+type\s*:/m;

export function detectRunnableYaml(text: string): RunnableFileKind | undefined {
  const strong = STRONG.exec(text);
  if (strong) return strong[1] === 'dag' ? 'pipeline' : 'config';
  return WEAK.test(text) ? 'config' : undefined;
}

/** A tiny glob matcher for the `runnable.yamlGlobs` setting: `**`, `*`, `?` and `{a,b}` over `/` paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  // A glob without a folder part matches the file name anywhere (as VS Code's files.associations does).
  return new RegExp(glob.includes('/') ? `(^|/)${re}$` : `(^|/)${re}$`);
}

export function matchesAnyGlob(path: string, globs: readonly string[]): boolean {
  const p = path.replace(/\\/g, '/');
  return globs.some((g) => globToRegExp(g).test(p));
}
