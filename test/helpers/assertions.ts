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
