// Loads the AWS SDK on the first S3 request: from dist/s3sdk.js beside the running bundle (built by esbuild.mjs;
// the four bundles share it rather than each carrying 1.3 MB of SDK that every process start would parse), else
// from node_modules (the unit tests run the compiled sources in out/, where no bundle sits beside them).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** The S3 client and the credential providers of the AWS default chain (credentialChain.ts runs them). */
export type Sdk = typeof import('@aws-sdk/client-s3') & {
  fromIni: typeof import('@aws-sdk/credential-provider-ini').fromIni;
  fromTokenFile: typeof import('@aws-sdk/credential-provider-web-identity').fromTokenFile;
  fromHttp: typeof import('@aws-sdk/credential-provider-http').fromHttp;
  fromInstanceMetadata: typeof import('@smithy/credential-provider-imds').fromInstanceMetadata;
};

/** The SDK bundle beside `dir` (a bundle's __dirname), if there is one. */
export function bundledSdkPath(dir: string = __dirname): string | undefined {
  const file = path.join(dir, 's3sdk.js');
  return fs.existsSync(file) ? file : undefined;
}

/**
 * For a process of our own (the CLI, the language server), not the shared extension host: the AWS SDK prints a
 * NodeVersionSupportWarning on stderr when an S3 client is made on Node < 22 (its own future support policy, which a
 * user of the CLI or of VS Code's Node cannot act on). Its documented switch turns it off; a value already set wins.
 */
export function quietSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

export async function loadSdk(): Promise<Sdk> {
  const bundled = bundledSdkPath();
  // require caches the module: every store shares one SDK.
  if (bundled) return createRequire(__filename)(bundled) as Sdk;
  const [s3, ini, web, http, imds] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/credential-provider-ini'),
    import('@aws-sdk/credential-provider-web-identity'),
    import('@aws-sdk/credential-provider-http'),
    import('@smithy/credential-provider-imds'),
  ]);
  return { ...s3, fromIni: ini.fromIni, fromTokenFile: web.fromTokenFile, fromHttp: http.fromHttp, fromInstanceMetadata: imds.fromInstanceMetadata };
}
