import { describe, expect, inject, it } from 'vitest';

// CI's canary: run with SUPPORTDESK_TEST_CANARY=1, this file must make the test command exit
// non-zero on every PostgreSQL source. Without the variable it is skipped.
describe.runIf(process.env.SUPPORTDESK_TEST_CANARY === '1')('canary', () => {
  it('fails on purpose, after the run found its PostgreSQL', () => {
    expect(inject('pgSource')).toBeTruthy();
    expect('this test').toBe('failing, so the run must exit non-zero');
  });
});
