// Bundles the extension host entry, the headless CLI, the language server and the replay adapter.
// `vscode` stays external; @aws-sdk is bundled but only loaded lazily (dynamic import in core/stores).
import * as esbuild from 'esbuild';
import fs from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production,
  minify: production, logLevel: 'warning', external: ['vscode'],
};
const entries = [
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js', optional: true },
  { entryPoints: ['src/replay/replayAdapterMain.ts'], outfile: 'dist/replayAdapter.js', optional: true },
  { entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js', optional: true, platform: 'browser', format: 'iife', external: [] },
];
const present = entries.filter((e) => !e.optional || fs.existsSync(e.entryPoints[0]));
const contexts = await Promise.all(present.map(({ optional, ...e }) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  try { fs.chmodSync('dist/cli.js', 0o755); } catch { /* not built */ }
}
