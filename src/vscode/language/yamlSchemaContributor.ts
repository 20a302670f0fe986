// Gives Red Hat YAML runnable's JSON schemas for the files that are runnable pipelines or configs by content (a
// pipeline has no fixed file name, so `yamlValidation` in package.json can only cover runnable-config.yaml).
// Uses Red Hat YAML's extension API, `registerContributor`; the schemas come from core/yaml/jsonSchema.ts.
import * as vscode from 'vscode';
import { schemaFileText } from '../../core/yaml/jsonSchema';
import { detectRunnableYaml, type RunnableFileKind } from '../../core/yaml/detect';
import type { Logger } from '../logger';
import { RED_HAT_YAML } from './yamlExtension';
import { errorMessage } from '../../core/text/errorMessage';

/** The part of Red Hat YAML's exported API (src/schema-extension-api.ts) used here. */
interface YamlExtensionApi {
  registerContributor(schema: string, requestSchema: (resource: string) => string | undefined, requestSchemaContent: (uri: string) => string, label?: string): boolean;
}

/** Red Hat YAML asks `requestSchemaContent` for the URIs whose scheme is the contributor's name. */
export const SCHEMA_SCHEME = 'runnable';
const schemaUri = (kind: RunnableFileKind): string => `${SCHEMA_SCHEME}://schemas/${kind}`;

/** The schema URI for a YAML document that is a runnable pipeline or config; undefined for any other file. */
export function runnableSchemaFor(resource: string): string | undefined {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === resource);
  const kind = doc ? detectRunnableYaml(doc.getText()) : undefined;
  return kind ? schemaUri(kind) : undefined;
}

export function runnableSchemaContent(uri: string): string {
  return schemaFileText(uri === schemaUri('config') ? 'config' : 'pipeline');
}

/** Registers once Red Hat YAML is installed; activating it is harmless (it activates on any YAML file anyway). */
export async function contributeSchemas(log: Logger): Promise<boolean> {
  const ext = vscode.extensions.getExtension<Partial<YamlExtensionApi> | undefined>(RED_HAT_YAML);
  if (!ext) return false;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    if (typeof api?.registerContributor !== 'function') {
      log.warn('Red Hat YAML offers no registerContributor: runnable pipelines get no JSON schema from it (README: Red Hat YAML).');
      return false;
    }
    const ok = api.registerContributor(SCHEMA_SCHEME, runnableSchemaFor, runnableSchemaContent, 'runnable');
    log.info(`Runnable JSON schemas ${ok ? 'given to' : 'refused by'} Red Hat YAML for runnable pipelines and configs.`);
    return ok;
  } catch (e) {
    log.warn(`Could not give runnable's JSON schemas to Red Hat YAML: ${errorMessage(e)}`);
    return false;
  }
}
