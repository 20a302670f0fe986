// The cause line read from captured step output: the shapes Python and Rich print besides the fixtures' own
// (stores.test.ts checks every fixture's recorded failure against its case.json).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exceptionCause, loggedExceptions } from '../../src/core/runlog/stepLog';

describe('exceptionCause', () => {
  it('a plain Python traceback chained through runnable\'s wrapper: the qualified user exception, not the wrapper', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "/p/steps.py", line 4, in load',
      '    raise pandas.errors.EmptyDataError("No columns to parse from file")',
      'pandas.errors.EmptyDataError: No columns to parse from file',
      '',
      'The above exception was the direct cause of the following exception:',
      '',
      'Traceback (most recent call last):',
      '  File "/v/runnable/tasks.py", line 429, in execute_command',
      'runnable.exceptions.CommandCallError: Function call: steps.load did not succeed.',
    ].join('\n');
    const cause = exceptionCause(text)!;
    assert.equal(cause.text, 'pandas.errors.EmptyDataError: No columns to parse from file');
    assert.equal(cause.line, 3);
    assert.equal(cause.tracebackLine, 0);
    assert.equal(loggedExceptions(text).length, 2);
  });

  it('Rich wraps a long message at 80 columns: the lines up to the blank one are joined; a bare type has no colon', () => {
    const rich = [
      '╭───── Traceback (most recent call last) ─────╮',
      '│ ❱ 18 │   raise ValueError("a very long message that rich', '╰─────────────────────────────────────────────╯',
      'ValueError: a very long message that rich wraps at the width of the console so that it',
      'continues on the next line',
      '',
      '[22:25:33] Function call: steps.x did not succeed.   tasks.py:499',
    ].join('\n');
    assert.equal(exceptionCause(rich)?.text, 'ValueError: a very long message that rich wraps at the width of the console so that it continues on the next line');
    assert.equal(exceptionCause('Traceback (most recent call last):\n  File "x.py", line 1\nStopIteration\n')?.text, 'StopIteration');
  });

  it('no traceback (a shell task\'s output), or only runnable\'s own exceptions: no cause', () => {
    assert.equal(exceptionCause('+ exit 3\nCommand failed with exit code 3\n'), undefined);
    assert.equal(exceptionCause('Traceback (most recent call last):\n  File "t.py", line 2\nCommandCallError: Function call: x did not succeed.\n'), undefined);
  });
});
