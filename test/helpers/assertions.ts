import { DomainError } from '../../src/lib/errors.js';

/** The code of the DomainError a promise rejects with; anything else fails the test. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  throw new Error('expected a DomainError');
}

/**
 * A value with every untrusted fence tag removed, for tests that compare the values inside.
 * That typed text is fenced at all is tested in test/integration/untrusted-fencing.test.ts.
 */
export const unfence = <T>(value: T): T => JSON.parse(JSON.stringify(value).replace(/<\/?untrusted-[0-9a-f]{10}>/g, '')) as T;
