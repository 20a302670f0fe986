// The standard runner for machines with internet: @vscode/test-electron downloads VS Code desktop
// and runs the same integration suite (out/test/integration/index.js) on examples/.
// Offline (CI here) use scripts/test-vscode.sh, which runs it in code-server instead.
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { EXAMPLES, ROOT } from './cs-lib.mjs';

try {
  const code = await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration', 'index'),
    launchArgs: [EXAMPLES, '--disable-workspace-trust', '--disable-extensions', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: { RUNNABLE_TEST_PYTHON: process.env.RUNNABLE_TEST_PYTHON ?? 'python3' },
  });
  process.exit(code);
} catch (e) {
  console.error(`[electron] ${e?.message ?? e}`);
  process.exit(1);
}
