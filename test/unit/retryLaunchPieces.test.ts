// The vscode-free pieces of Retry locally: the copied shell line, the argo resubmit line, envFile parsing, argv -> debugpy launch.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { argoResubmitLine, retryShellLine, shellQuote } from '../../src/core/retry/retryCommandLine';
import { parseEnvFile } from '../../src/core/retry/envFile';

void test('shellQuote keeps plain words and single-quotes the rest so sh reads them back unchanged', () => {
  assert.equal(shellQuote('prod-failure-001'), 'prod-failure-001');
  for (const w of ['a b', "it's", '$HOME', '', 'x;rm -rf /', 'tab\there', 'back\\slash']) {
    const echoed = execFileSync('sh', ['-c', `printf %s ${shellQuote(w)}`]).toString();
    assert.equal(echoed, w);
  }
});

void test('retryShellLine puts the retry variables first, then the interpreter and argv', () => {
  const line = retryShellLine(
    { cwd: '/work/my project', argv: ['pipeline.py'], env: { RUNNABLE_CONFIGURATION_FILE: 'configs/prod chunked.yaml', RUNNABLE_RETRY_INDICATOR: '2', RUNNABLE_RETRY_RUN_ID: 'prod-failure-001' } },
    '/usr/bin/python3',
    { cd: true },
  );
  assert.equal(line, "cd '/work/my project' && RUNNABLE_RETRY_RUN_ID=prod-failure-001 RUNNABLE_RETRY_INDICATOR=2 RUNNABLE_CONFIGURATION_FILE='configs/prod chunked.yaml' /usr/bin/python3 pipeline.py");
  // The line really sets those variables for the process it runs.
  const printed = execFileSync('sh', ['-c', retryShellLine({ cwd: '/', argv: ['-c', 'import os; print(os.environ["RUNNABLE_RETRY_RUN_ID"], os.environ["RUNNABLE_CONFIGURATION_FILE"])'], env: { RUNNABLE_RETRY_RUN_ID: "it's", RUNNABLE_CONFIGURATION_FILE: 'a b.yaml' } }, 'python3')]).toString();
  assert.equal(printed.trim(), "it's a b.yaml");
});

void test('argoResubmitLine follows runnable\'s Argo retry design', () => {
  assert.equal(argoResubmitLine('nightly-train-0412', '2'), 'argo resubmit <workflow-name> --memoized -p retry_run_id=nightly-train-0412 -p retry_indicator=2');
});

void test('parseEnvFile reads dotenv lines: export, quotes, comments', () => {
  assert.deepEqual(parseEnvFile('# c\nA=1\nexport B="two words"\nC=\'x # y\'\nD=plain # trailing\n\nnot a line\n'), { A: '1', B: 'two words', C: 'x # y', D: 'plain' });
});

void test('argvToLaunch maps the plan\'s argv to debugpy\'s program or module', async () => {
  const { argvToLaunch } = await import('../../src/core/retry/launchArgs');
  assert.deepEqual(argvToLaunch(['pipeline.py', '--x'], '/w'), { program: '/w/pipeline.py', args: ['--x'] });
  assert.deepEqual(argvToLaunch(['-m', 'runnable.cli', 'execute', 'pipeline.yaml'], '/w'), { module: 'runnable.cli', args: ['execute', 'pipeline.yaml'] });
  assert.deepEqual(argvToLaunch(['-c', 'import x; x.main()'], '/w'), { code: 'import x; x.main()', args: [] });
  assert.throws(() => argvToLaunch([], '/w'), /nothing to run/);
});
