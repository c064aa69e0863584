/**
 * Domain errors: expected failures a support agent can act on. Each has a stable code,
 * a message saying what was wrong, and a hint saying how to recover.
 */
export const ERROR_CODES = {
  NOT_FOUND: 'The requested record does not exist.',
  VALIDATION: 'An argument is malformed or out of range.',
  CONFLICT: 'The record changed since it was read (stale version) or a unique value is taken.',
  INVALID_STATE: 'The record is not in a state that allows this action.',
  POLICY: 'The action exceeds what the caller\u2019s role allows.',
  EXPIRED: 'The prepared action expired before it was confirmed.',
  UNAVAILABLE: 'The database could not be reached in time; retrying later may succeed.',
  BUSY: 'The record is being changed by someone else (a row lock was held too long); nothing was changed.',
  OUTCOME_UNKNOWN: 'The connection was lost while the change was being committed: it may or may not have been applied.',
  SHUTTING_DOWN: 'The server is shutting down; the call was not applied.',
  INTERNAL: 'An unexpected error; details are in the server log under the reference id.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string, hint?: string, details?: Record<string, unknown>) {
    super('NOT_FOUND', message, hint, details);
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, hint?: string, details?: Record<string, unknown>) {
    super('VALIDATION', message, hint, details);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, hint?: string, details?: Record<string, unknown>) {
    super('CONFLICT', message, hint, details);
  }
}

export class InvalidStateError extends DomainError {
  constructor(message: string, hint?: string, details?: Record<string, unknown>) {
    super('INVALID_STATE', message, hint, details);
  }
}

export class PolicyError extends DomainError {
  constructor(message: string, hint?: string, details?: Record<string, unknown>) {
    super('POLICY', message, hint, details);
  }
}

export class ExpiredError extends DomainError {
  constructor(message: string, hint?: string, details?: Record<string, unknown>) {
    super('EXPIRED', message, hint, details);
  }
}

export class UnavailableError extends DomainError {
  constructor(message: string, hint?: string) {
    super('UNAVAILABLE', message, hint);
  }
}

/** A write waited longer than lock_timeout for a row another session holds: nothing was changed. */
export class BusyError extends DomainError {
  constructor(details?: Record<string, unknown>) {
    super('BUSY', 'The record is being changed by someone else, try again.', 'Wait a few seconds and repeat the call; nothing was changed.', details);
  }
}

/**
 * The COMMIT of a write was sent but its reply never came (connection lost, reply timed out): the
 * change may or may not be in the database. Never claims either.
 */
export class OutcomeUnknownError extends DomainError {
  constructor(ids: readonly string[], reference: string) {
    super(
      'OUTCOME_UNKNOWN',
      'The connection to the database was lost while the change was being committed; it may or may not have been applied.',
      'Check before repeating: read the record (its version, status or refunded amount) with the get_* tools; a prepared action can simply be confirmed again with the same intent_id, it never applies twice.',
      { ids: [...ids], reference },
    );
  }
}

/** A call the server did not (or will not) apply because it is shutting down. */
export class ShuttingDownError extends DomainError {
  constructor(started: boolean) {
    super(
      'SHUTTING_DOWN',
      started ? 'The server is shutting down: not applied.' : 'The server is shutting down.',
      'Nothing was changed. Repeat the call once the server is back.',
    );
  }
}
