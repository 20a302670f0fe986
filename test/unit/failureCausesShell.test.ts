// The cause shown for a failed shell or notebook task, whose attempt runnable records with no message: the stderr
// runnable kept in the step's log (shellStderr), else a sentence saying runnable kept nothing; and for a Python task
// that stopped before its call (a missing secret, a module that does not import), a sentence saying so. Real
// runnable stores: shell-stderr, shell-job, yaml-etl (shell-exit-3, nothing on stderr), never-called.
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
  const attempts = step === 'job' && run.kind === 'job' ? run.job!.attempts : findStep(run, step)!.attempts;
  const failed = attempts.find((a) => a.status === 'FAIL')!;
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

void test('shell-job: a ShellJob\'s cause is its stderr too (its one "step" is the job log)', async () => {
  const c = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'shell-job', 'case.json'), 'utf8'));
  for (const [runId, run] of Object.entries<any>(c.runs)) {
    assert.equal(await causeOf('shell-job', runId, run.failure_cause.step), run.failure_cause.cause, runId);
  }
});

void test('never-called: a Python attempt that stopped before its call says so, naming the secrets the step asks for', async () => {
  const c = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'never-called', 'case.json'), 'utf8'));
  const notCalled = Object.entries<any>(c.runs).filter(([, run]) => run.failure_cause.attempt_message === '');
  assert.deepEqual(notCalled.map(([id]) => id), ['nc-secret-0002', 'nc-import-0003']);
  for (const [runId, run] of notCalled) {
    assert.equal(await causeOf('never-called', runId, run.failure_cause.step), run.failure_cause.cause, runId);
  }
});
