// Parses YAML in PyYAML's dialect (YAML 1.1: merge keys, yes/no booleans), as runnable's utils.load_yaml does.
// Duplicate keys are reported by the analyzer (the yaml package's own check is quadratic in the number of keys).
import { parseDocument, type Document } from 'yaml';

export function parseRunnableYaml(text: string): Document {
  return parseDocument(text, { version: '1.1', prettyErrors: false, uniqueKeys: false, keepSourceTokens: false });
}
