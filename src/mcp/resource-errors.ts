import { randomUUID } from 'node:crypto';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { isStatementTimeout, isTransientDbError, sqlState } from '../db/pg-errors.js';
import { DomainError } from '../lib/errors.js';
import { unsafeTextProblem } from '../lib/text-safety.js';
import type { Logger } from '../observability/logger.js';

/** MCP's JSON-RPC code for a resource that does not exist (spec: resources, error handling). */
export const RESOURCE_NOT_FOUND = -32002;

/**
 * A failed resource read as the JSON-RPC error the client sees. The SDK sends `code` and `message`
 * as they are; an McpError would carry "MCP error <code>: " inside its message, and a client that
 * wraps it again shows the prefix twice.
 */
export class ResourceError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ResourceError';
  }
}

/**
 * The error for a failed read of `what`: not found is -32002, a bad argument invalid params, a
 * database that is down or slow "unavailable, try again"; anything else is opaque with a
 * reference id, details to the log only.
 */
export function resourceFailure(err: unknown, log: Logger, what: string): Error {
  if (err instanceof ResourceError) return err;
  if (err instanceof McpError) return new ResourceError(err.code, err.message.replace(/^MCP error -?\d+: /, ''), err.data as Record<string, unknown> | undefined);
  if (err instanceof DomainError) {
    const code = err.code === 'NOT_FOUND' ? RESOURCE_NOT_FOUND : err.code === 'VALIDATION' ? ErrorCode.InvalidParams : ErrorCode.InternalError;
    return new ResourceError(code, `${err.code}: ${err.message}`, err.hint ? { code: err.code, hint: err.hint } : { code: err.code });
  }
  const reference = randomUUID();
  const detail = { err: { message: (err as Error)?.message, code: (err as { code?: string })?.code }, reference };
  if (isTransientDbError(err) || isStatementTimeout(err)) {
    log.error(detail, `${what} failed`);
    return new ResourceError(ErrorCode.InternalError, `UNAVAILABLE: could not read ${what}: the database is unavailable, try again in a few seconds (reference ${reference}).`, {
      code: 'UNAVAILABLE',
      reference,
    });
  }
  if (sqlState(err)?.startsWith('22')) {
    log.warn(detail, `${what} failed`);
    return new ResourceError(ErrorCode.InvalidParams, `VALIDATION: the URI holds a value the database cannot take.`, { code: 'VALIDATION' });
  }
  log.error(detail, `${what} failed`);
  return new ResourceError(ErrorCode.InternalError, `INTERNAL: could not read ${what}; report reference ${reference} to the administrator.`, { code: 'INTERNAL', reference });
}

/** One %-encoded part of a resource URI, decoded; a bad escape or text that cannot be stored is invalid params. */
export function decodeUriPart(raw: string | string[] | undefined, what: string): string {
  const text = String(Array.isArray(raw) ? raw[0] : raw ?? '');
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    throw new ResourceError(ErrorCode.InvalidParams, `VALIDATION: the ${what} in the URI has a malformed %-escape; encode it with encodeURIComponent.`, { code: 'VALIDATION' });
  }
  const problem = unsafeTextProblem(decoded);
  if (problem) throw new ResourceError(ErrorCode.InvalidParams, `VALIDATION: the ${what} in the URI contains ${problem}.`, { code: 'VALIDATION' });
  return decoded;
}
