// Where a step's function lives and where the debugger should stop in it: the answer of both locators
// (locate.ts imports the module; staticLocate.ts reads the source), kept apart so neither imports the other.
import type { SignatureParam } from './signature';

export interface FunctionLocation {
  /** Relative to the workspace (cwd) when inside it, else absolute. */
  file: string;
  absFile: string;
  /** Line of `def` (decorators sit above it). */
  defLine: number;
  /** First line of the body after the signature and docstring (the code object's first body line). */
  line: number;
  params: SignatureParam[];
  /** How it was found: `python` (import + inspect) or `static` (source text only). */
  via: 'python' | 'static';
}
