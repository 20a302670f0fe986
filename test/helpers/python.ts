// The interpreter every test runs Python with: RUNNABLE_TEST_PYTHON when set, else the venv that
// scripts/test-python.sh makes (debugpy, PyYAML, moto[server]; `npm test` makes it first), else python3.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TEST_VENV_PYTHON = path.resolve(__dirname, '../../../.vscode-test/venv/bin/python');

export function testPython(): string {
  return process.env.RUNNABLE_TEST_PYTHON || (fs.existsSync(TEST_VENV_PYTHON) ? TEST_VENV_PYTHON : 'python3');
}
