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
