// Bundles the extension host entry, the headless CLI, the language server and the replay adapter.
// `vscode` stays external. The AWS SDK is bundled once, as dist/s3sdk.js, which the other bundles load on their first
// S3 request (src/core/stores/s3/loadSdk.ts); in them the SDK packages are external and never required.
import * as esbuild from 'esbuild';
import fs from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production,
  minify: production, logLevel: 'warning', external: ['vscode'],
};
const SDK = ['@aws-sdk/client-s3', '@aws-sdk/credential-provider-ini', '@aws-sdk/credential-provider-web-identity', '@aws-sdk/credential-provider-http', '@smithy/credential-provider-imds'];
const entries = [
  { entryPoints: ['src/core/stores/s3/sdkBundle.ts'], outfile: 'dist/s3sdk.js' },
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js', optional: true },
  { entryPoints: ['src/replay/replayAdapterMain.ts'], outfile: 'dist/replayAdapter.js', optional: true },
  { entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js', optional: true, platform: 'browser', format: 'iife', external: [] },
];
const present = entries.filter((e) => !e.optional || fs.existsSync(e.entryPoints[0]));
const contexts = await Promise.all(present.map(({ optional, ...e }) => esbuild.context({
  ...common,
  ...(e.outfile === 'dist/s3sdk.js' || e.platform === 'browser' ? {} : { external: [...common.external, ...SDK] }),
  ...e,
})));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  try { fs.chmodSync('dist/cli.js', 0o755); } catch { /* not built */ }
}
