import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { isLockTimeout, isQueryTimeout, isStatementTimeout, isTransientDbError, sqlState } from '../db/pg-errors.js';
import type { App } from '../app.js';
import { BusyError, DomainError, OutcomeUnknownError, ShuttingDownError } from '../lib/errors.js';
import type { CallGate } from '../lib/inflight.js';
import { type Logger, maskPii } from '../observability/logger.js';
import { traceToolCall } from '../observability/tracing.js';
import { newRequestContext, type Principal, type RequestContext } from '../request.js';
import { type Progress, type ProgressExtra, progressFor } from './progress.js';
import { parseToolInput } from './tool-input.js';
import { fenceJson, untrustedFence } from './untrusted.js';

/** What a tool handler gets: the process-wide app and this call's request context. */
export interface ToolContext extends RequestContext {
  readonly app: App;
  /** Shutdown's hold on this call: the write path asks it before COMMIT. */
  readonly gate: CallGate;
  /** notifications/progress for long work, when the client sent a progressToken (a no-op otherwise). */
  readonly progress: Progress;
}

export interface ToolOutput<O> {
  structured: O;
  text: string;
}

export interface ToolAnnotations {
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
}

/** The annotations of every read tool. */
export const READ_ONLY_ANNOTATIONS: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyObject = z.ZodObject<any>;

export interface ToolDefinition<I extends AnyObject = AnyObject, O extends AnyObject = AnyObject> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: I;
  readonly output: O;
  /** 'write' tools are not registered for viewers or in read-only mode. */
  readonly access: 'read' | 'write';
  readonly annotations: ToolAnnotations;
  readonly handler: (args: z.output<I>, ctx: ToolContext) => Promise<ToolOutput<z.input<O>>>;
}

/** What the SDK hands a tool callback besides its arguments, as far as the wrapper uses it. */
interface ToolCallExtra extends ProgressExtra {
  readonly signal: AbortSignal;
  readonly requestId?: string | number;
  readonly sessionId?: string | undefined;
  readonly _meta?: Record<string, unknown> | undefined;
}

/** Type-checks a tool against its own schemas, then erases them so tools of all shapes fit one list. */
export function defineTool<I extends AnyObject, O extends AnyObject>(def: ToolDefinition<I, O>): ToolDefinition {
  return def as unknown as ToolDefinition;
}

export type ToolRunner = (args: unknown, extra: ToolCallExtra) => Promise<CallToolResult>;

/** The SDK's answer for a tool this caller cannot see, kept word for word. */
export const toolNotFound = (name: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text: new McpError(ErrorCode.InvalidParams, `Tool ${name} not found`).message }] });

/**
 * Registers the tools with the single wrapper every call goes through: argument validation, request
 * id, logging, metrics, cancellation, and error mapping (domain errors become actionable isError
 * results; anything else an opaque isError with a reference id, details to the log only).
 *
 * The SDK lists the tools (their advertised schemas are exactly `input`), but tools/call is answered
 * here: the SDK would validate arguments itself and answer a mismatch with its own text. Here a
 * schema error is a VALIDATION result naming the field with a hint, like any domain error, and
 * text PostgreSQL cannot store is refused before a handler runs.
 */
export function registerTools(server: McpServer, app: App, principal: Principal, defs: readonly ToolDefinition[]): void {
  const runners = new Map<string, ToolRunner>();
  for (const def of defs) {
    const run = toolRunner(app, principal, def);
    runners.set(def.name, run);
    server.registerTool(
      def.name,
      {
        title: def.title,
        description: def.description,
        inputSchema: def.input,
        outputSchema: def.output,
        annotations: { title: def.title, ...def.annotations, openWorldHint: false },
      },
      run,
    );
  }
  server.server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const run = runners.get(request.params.name);
    if (!run) return toolNotFound(request.params.name);
    return run(request.params.arguments, extra);
  });
}

/** One tool's call path (validation, context, metrics, errors) for this principal; registerTools uses it, and so does HTTP's direct tools/call. */
export function toolRunner(app: App, principal: Principal, def: ToolDefinition): ToolRunner {
  return (rawArgs, extra) =>
    app.inflight.run((gate) =>
      traceToolCall(app.tracer, { tool: def.name, requestId: extra.requestId, meta: extra._meta, sessionId: extra.sessionId }, async () => {
        const req = newRequestContext(app.log, principal, extra.signal, { tool: def.name });
        const ctx: ToolContext = {
          app,
          principal,
          requestId: req.requestId,
          signal: req.signal,
          gate,
          progress: progressFor(extra),
          get log() {
            return req.log;
          },
        };
        const started = performance.now();
        let errorCode: string | undefined;
        try {
          if (!app.inflight.accepting) throw new ShuttingDownError(false);
          const args = parseToolInput(def.input, rawArgs);
          const out = await untilStopped(def.handler(args as never, ctx), gate, req.requestId);
          checkOutput(def, out.structured);
          return { content: [{ type: 'text', text: out.text }], structuredContent: out.structured as Record<string, unknown> };
        } catch (err) {
          // The SDK sends nothing for a cancelled request: no message to write, only a count and a log line.
          if (extra.signal.aborted) {
            errorCode = 'CANCELLED';
            req.log.info('cancelled by the client');
            return { isError: true, content: [] };
          }
          const result = toolError(err, req.requestId, req.log);
          errorCode = errorCodeOf(result);
          return result;
        } finally {
          const ms = performance.now() - started;
          const isError = errorCode !== undefined;
          app.metrics.recordCall(def.name, ms, isError, errorCode);
          if (app.log.isLevelEnabled('debug')) req.log.debug({ ms: Math.round(ms * 100) / 100, isError }, 'tool call');
        }
      }),
    );
}

/**
 * tools/list advertises output schemas in short (tool-catalog.ts), so the full one is held here: a
 * result that does not match it is a bug, answered INTERNAL (details to the log) rather than sent.
 */
function checkOutput(def: ToolDefinition, structured: unknown): void {
  const checked = def.output.safeParse(structured);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new Error(`${def.name} produced a result outside its output schema at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`);
  }
}

/**
 * The handler's result, unless shutdown's grace period ends first: then the call is answered at once
 * (the handler goes on in the background; its COMMIT is refused, or its connection closed under it).
 * A call caught in the middle of its COMMIT cannot be called "not applied".
 */
function untilStopped<T>(work: Promise<T>, gate: CallGate, requestId: string): Promise<T> {
  const { stopped } = gate;
  return new Promise<T>((resolve, reject) => {
    const onStop = () => {
      if (gate.committed) return; // it changed data: its own answer, however late, is the only true one
      work.catch(() => undefined); // abandoned: its failure is no longer anyone's
      const ids = gate.committing;
      reject(ids === undefined ? new ShuttingDownError(true) : new OutcomeUnknownError(ids, requestId));
    };
    if (stopped.aborted) return onStop();
    stopped.addEventListener('abort', onStop, { once: true });
    work.then(resolve, reject).finally(() => stopped.removeEventListener('abort', onStop));
  });
}

export function toolError(err: unknown, requestId: string, log: Logger): CallToolResult {
  if (isLockTimeout(err)) err = new BusyError();
  if (err instanceof DomainError) {
    log.info({ code: err.code }, maskPii(err.message));
    return errorResult(err.code, err.message, err.hint, err.details);
  }
  if (sqlState(err)?.startsWith('22')) {
    // A data exception (bad text encoding, a value out of range) can only come from a value a client sent.
    log.warn({ err: describeError(err) }, 'data exception from a client value');
    return errorResult('VALIDATION', 'An argument holds a value the database cannot take (out of range or not valid text).', 'Check the values sent (dates, numbers, text) and send them again.', { reference: requestId });
  }
  if (isQueryTimeout(err)) {
    log.error({ err: describeError(err) }, 'no reply from the database within the query timeout');
    return errorResult('UNAVAILABLE', 'The database did not answer in time.', 'Try again in a few seconds.', { reference: requestId });
  }
  if (isStatementTimeout(err)) {
    log.warn({ err: describeError(err) }, 'statement timeout');
    return errorResult('UNAVAILABLE', 'The query took too long and was cancelled.', 'Narrow the request (smaller limit, tighter filters) and try again.', { reference: requestId });
  }
  if (isTransientDbError(err)) {
    log.error({ err: describeError(err) }, 'database unavailable after retries');
    return errorResult('UNAVAILABLE', 'The database is unavailable right now.', 'Try again in a few seconds.', { reference: requestId });
  }
  log.error({ err: describeError(err) }, 'unexpected tool failure');
  return errorResult('INTERNAL', 'Internal error while running the tool.', `Report reference ${requestId} to the administrator.`, { reference: requestId });
}

/** The stable code an error result starts with (`CODE: message`), for metrics. */
export function errorCodeOf(result: CallToolResult): string {
  const first = result.content[0];
  return (first?.type === 'text' ? /^([A-Z][A-Z_]*):/.exec(first.text)?.[1] : undefined) ?? 'UNKNOWN';
}

function errorResult(code: string, message: string, hint?: string, details?: Record<string, unknown>): CallToolResult {
  const lines = [`${code}: ${message}`];
  if (hint) lines.push(`Hint: ${hint}`);
  // Details may carry a record's current values (a CONFLICT): typed text in them is fenced like anywhere else.
  if (details && Object.keys(details).length > 0) lines.push(`Details: ${JSON.stringify(fenceJson(details, untrustedFence()))}`);
  // No structuredContent: clients validate it against the success outputSchema.
  return { isError: true, content: [{ type: 'text', text: lines.join('\n') }] };
}

function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { value: String(err) };
  const e = err as Error & { code?: string; detail?: string; constraint?: string };
  return { name: e.name, message: maskPii(e.message), code: e.code, constraint: e.constraint, stack: e.stack === undefined ? undefined : maskPii(e.stack) };
}
