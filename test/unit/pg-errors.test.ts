import { describe, expect, it } from 'vitest';
import { isLockTimeout, isQueryTimeout, isSocketError, isTransientDbError, sqlState } from '../../src/db/pg-errors.js';

/** Node's socket errors as net.Socket raises them: a code, an errno and the failed syscall. */
const socketError = (code: string, syscall = 'write') => Object.assign(new Error(`${syscall} ${code}`), { code, errno: -32, syscall });
const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code, severity: 'ERROR' });

describe('database error classes', () => {
  it('takes Node socket codes for connection failures, never for SQLSTATEs, and retries them', () => {
    for (const code of ['EPIPE', 'ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']) {
      const err = socketError(code);
      expect(isSocketError(err), code).toBe(true);
      expect(sqlState(err), code).toBeUndefined();
      expect(isTransientDbError(err), code).toBe(true);
    }
    // Five capitals like EPIPE, even without errno and syscall (some wrappers drop them).
    expect(isTransientDbError(Object.assign(new Error('broken pipe'), { code: 'EPIPE' }))).toBe(true);
    expect(sqlState(Object.assign(new Error('broken pipe'), { code: 'EPIPE' }))).toBeUndefined();
  });

  it('keeps SQLSTATEs as they are', () => {
    expect(sqlState(pgError('40001'))).toBe('40001');
    expect(isTransientDbError(pgError('57P01'))).toBe(true);
    expect(isTransientDbError(pgError('22P02'))).toBe(false);
  });

  it('tells a lock timeout (BUSY, not retried) and a client-side query timeout (not retried) apart', () => {
    expect(isLockTimeout(pgError('55P03'))).toBe(true);
    expect(isTransientDbError(pgError('55P03'))).toBe(false);
    expect(isQueryTimeout(new Error('Query read timeout'))).toBe(true);
    expect(isTransientDbError(new Error('Query read timeout'))).toBe(false);
    expect(isQueryTimeout(pgError('57014'))).toBe(false);
  });
});
