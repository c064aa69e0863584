import { randomUUID } from 'node:crypto';
import type { Config, Role } from './config.js';
import type { Logger } from './observability/logger.js';

/** Who is calling: from config on stdio, from the verified bearer token over HTTP. */
export interface Principal {
  readonly id: string;
  readonly role: Role;
}

/**
 * One call's context, built by the transport's server for each tool call, resource read, prompt
 * or completion: who calls, the request id joining logs and audit rows, the client's abort
 * signal, and a logger that carries both.
 */
export interface RequestContext {
  readonly principal: Principal;
  readonly requestId: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

export const canWrite = (principal: Principal): boolean => principal.role !== 'viewer';

/** The stdio principal: the one the local configuration names. */
export function principalFromConfig(config: Pick<Config, 'principal' | 'role'>): Principal {
  return Object.freeze({ id: config.principal, role: config.role });
}

/**
 * A request context for `principal`. The child logger is built on first use: most calls log
 * nothing, and a pino child per call is measurable at thousands of calls per second.
 */
export function newRequestContext(base: Logger, principal: Principal, signal: AbortSignal, bindings: Record<string, unknown> = {}): RequestContext {
  const requestId = randomUUID();
  let child: Logger | undefined;
  return {
    principal,
    requestId,
    signal,
    get log() {
      return (child ??= base.child({ ...bindings, requestId, principal: principal.id }));
    },
  };
}
