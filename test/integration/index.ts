// Mocha entry point loaded by the extension host as `extensionTestsPath` (code-server URL payload or
// test-electron); runs every *.test.js beside it (describe/it; suite/test also bound). VSCT_GREP narrows to matching test titles.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { log, waitUntil } from './helpers';

export function run(): Promise<void> {
  // Mocha's reporters print through Base.consoleLog; the extension host ignores console.log reassignment.
  (Mocha.reporters.Base as unknown as { consoleLog: typeof log }).consoleLog = log;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // describe/it is the house style; suite/test also work so a helper's file never fails to load over it.
  Mocha.interfaces.tdd(mocha.suite);
  if (process.env.VSCT_GREP) mocha.grep(process.env.VSCT_GREP);
  // No debug session outlives its test: a test that failed half-way (or forgot one) would otherwise leave a paused
  // session behind, and VS Code keeps focus on a stopped session, so the next test's "focused session" is not its own.
  const live = new Set<vscode.DebugSession>();
  vscode.debug.onDidStartDebugSession((s) => live.add(s));
  vscode.debug.onDidTerminateDebugSession((s) => live.delete(s));
  mocha.suite.afterEach('stop the debug sessions a test left', async function () {
    if (live.size === 0) return;
    const left = [...live].map((s) => s.name);
    await vscode.debug.stopDebugging();
    await waitUntil(() => live.size === 0, { events: [vscode.debug.onDidTerminateDebugSession], what: 'the sessions a test left to end' });
    log(`    (stopped ${left.length} session(s) left by "${this.currentTest?.title ?? '?'}": ${left.join(', ')})`);
  });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  // activation first: the other suites assume the extension is up.
  files.sort((a, b) => Number(b === 'activation.test.js') - Number(a === 'activation.test.js'));
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  log(`[timing] tests start at ${Date.now()} (${files.length} files)`);
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        log(`${runner.stats?.passes ?? 0} passed, ${failures} failed`);
        if (failures > 0) reject(new Error(`${failures} tests failed`));
        else resolve();
      });
    } catch (e) {
      log(`the suite could not load: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      log('0 passed, 1 failed');
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
