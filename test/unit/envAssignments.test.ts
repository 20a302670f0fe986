import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEnvAssignments, parseEnvAssignments } from '../../src/core/retry/envAssignments';

describe('Retry with…: NAME=value words', () => {
  it('reads words, quoted values and empty values; formats them back to the same environment', () => {
    const r = parseEnvAssignments(`should_pass=true  DEPLOY_URL="http://a b/\\"x\\"" NOTE='it''s' EMPTY=`);
    assert.deepEqual(r, { env: { should_pass: 'true', DEPLOY_URL: 'http://a b/"x"', NOTE: 'its', EMPTY: '' } });
    const env = (r as { env: Record<string, string> }).env;
    assert.deepEqual(parseEnvAssignments(formatEnvAssignments(env)), { env });
    assert.deepEqual(parseEnvAssignments('   '), { env: {} });
  });
  it('names what is wrong: a word without =, a name a shell would refuse, an open quote', () => {
    assert.deepEqual(parseEnvAssignments('should_pass'), { error: '"should_pass" is not NAME=value.' });
    assert.deepEqual(parseEnvAssignments('x;touch=1'), { error: '"x;touch" is not a variable name (letters, digits and _, not starting with a digit).' });
    assert.deepEqual(parseEnvAssignments('A="open'), { error: 'The value of A has no closing ".' });
  });
});
