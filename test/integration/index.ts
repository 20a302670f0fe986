// Mocha entry point loaded by the extension host as `extensionTestsPath` (code-server URL payload or
// test-electron); runs every *.test.js beside it (describe/it; suite/test also bound). VSCT_GREP narrows to matching test titles.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { log } from './helpers';

export function run(): Promise<void> {
  // Mocha's reporters print through Base.consoleLog; the extension host ignores console.log reassignment.
  (Mocha.reporters.Base as unknown as { consoleLog: typeof log }).consoleLog = log;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // describe/it is the house style; suite/test also work so a helper's file never fails to load over it.
  Mocha.interfaces.tdd(mocha.suite);
  if (process.env.VSCT_GREP) mocha.grep(process.env.VSCT_GREP);
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
