import { randomUUID } from 'node:crypto';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { DomainError } from '../lib/errors.js';
import type { Logger } from '../observability/logger.js';

/**
 * A resource read that failed, as the JSON-RPC error the client sees: a domain error keeps its
 * code and message; anything else is opaque with a reference id, details to the log only.
 */
export function resourceFailure(err: unknown, log: Logger, what: string): McpError {
  if (err instanceof McpError) return err;
  if (err instanceof DomainError) {
    const code = err.code === 'NOT_FOUND' || err.code === 'VALIDATION' ? ErrorCode.InvalidParams : ErrorCode.InternalError;
    return new McpError(code, `${err.code}: ${err.message}${err.hint ? ` ${err.hint}` : ''}`);
  }
  const reference = randomUUID();
  log.error({ err: { message: (err as Error)?.message, code: (err as { code?: string })?.code }, reference }, `${what} failed`);
  return new McpError(ErrorCode.InternalError, `Could not read ${what}; report reference ${reference} to the administrator.`);
}
