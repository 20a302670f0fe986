// The cause shown for a failed shell or notebook task, whose attempt runnable records with no message: the stderr
// runnable kept in the step's log (shellStderr), else a sentence saying runnable kept nothing. Real runnable stores:
// shell-stderr, yaml-etl (shell-exit-3, nothing on stderr).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { findStep } from '../../src/core/runlog/rules';
import { shellStderr } from '../../src/core/runlog/stepLog';
import { FailureCauses, SHELL_NO_ERROR } from '../../src/core/stores/failureCauses';
import { StoreRegistry } from '../../src/core/stores/storeRegistry';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');

async function causeOf(fixture: string, runId: string, step: string) {
  const registry = await StoreRegistry.discover({ cwd: path.join(FIXTURES, fixture), env: {} });
  const { run, store } = await registry.findRun(runId);
  const s = findStep(run, step)!;
  const failed = s.attempts.find((a) => a.status === 'FAIL')!;
  assert.equal(failed.message, '', 'runnable recorded no message');
  return new FailureCauses(store).cause(run, step, failed);
}

void test('shell-stderr: the cause is what the command wrote to stderr, unwrapped, as case.json says', async () => {
  const c = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'shell-stderr', 'case.json'), 'utf8'));
  for (const [runId, run] of Object.entries<any>(c.runs)) {
    assert.equal(await causeOf('shell-stderr', runId, run.failure_cause.step), run.failure_cause.cause, runId);
  }
});

void test('a shell command that wrote nothing to stderr: the sentence, not an empty cause', async () => {
  assert.equal(await causeOf('yaml-etl', 'shell-exit-3', 'fetch'), SHELL_NO_ERROR);
});

void test('shellStderr: after the console\'s own rows (time-stamped, or indented under one); none when nothing follows', () => {
  const params = '[23:21:43] Parameters available for the execution:                  tasks.py:265\n           {\'rows\': JsonParameter(kind=\'json\', value=3)}          tasks.py:266\n';
  assert.equal(shellStderr(`${params}boom: no such file,\n`), 'boom: no such file');
  assert.equal(shellStderr(params), undefined);
  assert.equal(shellStderr(`${params}a long line wrapped at the \nconsole width,second line,\n\n`), 'a long line wrapped at the console width,second line');
  assert.match(shellStderr(`${params}${'x'.repeat(400)}END,\n`)!, /^….*END$/);
});
