// Decides whether a YAML text is a runnable pipeline or config, from its top-level keys alone (cheap: runs on
// every opened YAML file). Other YAML (GitHub workflows, parameter files, k8s specs) is left alone.
import { globToRegExp } from '../config/findConfigFiles';

export type RunnableFileKind = 'pipeline' | 'config';

const STRONG = /^(dag|run[-_]log[-_]store|pipeline[-_]executor|job[-_]executor)\s*:/m;
// `catalog:`, `secrets:` and `pickler:` are common words; they count when followed by a plugin `type:`.
const WEAK = /^(catalog|secrets|pickler)\s*:\s*(#.*)?\r?\n(\s*#.*\r?\n)*\s+type\s*:/m;

export function detectRunnableYaml(text: string): RunnableFileKind | undefined {
  const strong = STRONG.exec(text);
  if (strong) return strong[1] === 'dag' ? 'pipeline' : 'config';
  return WEAK.test(text) ? 'config' : undefined;
}

/**
 * Whether a path matches one of the `runnable.yamlGlobs` (`**`, `*`, `?`, `{a,b}` over `/` paths). Unlike config
 * discovery the glob may match from any folder boundary (as VS Code's files.associations does).
 */
export function matchesAnyGlob(path: string, globs: readonly string[]): boolean {
  const p = path.replace(/\\/g, '/');
  return globs.some((g) => new RegExp('(^|/)' + globToRegExp(g).source.slice(1)).test(p));
}
