import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type AuthConfig, type HttpConfig, httpConfigFrom, httpEnvShape } from './http-config.js';
import { DEFAULT_BINARIES_DIR } from './db/embedded/binaries.js';

/** The only module that reads process.env and argv. Everything else receives a frozen Config. */

export const ROLES = ['viewer', 'agent', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export const COMMANDS = ['serve', 'migrate', 'seed', 'doctor', 'token'] as const;
export type Command = (typeof COMMANDS)[number];

export const SEED_SIZES = ['demo', 'small', 'large'] as const;
export type SeedSize = (typeof SEED_SIZES)[number];

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  SUPPORTDESK_POOL_SIZE: intIn(1, 100).default(10),
  SUPPORTDESK_CONNECT_TIMEOUT_MS: intIn(100, 120_000).default(5_000),
  SUPPORTDESK_STATEMENT_TIMEOUT_MS: intIn(100, 600_000).default(15_000),
  SUPPORTDESK_LOCK_TIMEOUT_MS: intIn(10, 600_000).default(5_000),
  SUPPORTDESK_DATA_DIR: z.string().min(1).optional(),
  SUPPORTDESK_BINARIES_DIR: z.string().min(1).default(DEFAULT_BINARIES_DIR),
  SUPPORTDESK_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SUPPORTDESK_PRINCIPAL: z.string().trim().min(1).max(100).default('local-agent'),
  SUPPORTDESK_ROLE: z.enum(ROLES).default('agent'),
  SUPPORTDESK_READ_ONLY: boolish.default(false),
  SUPPORTDESK_MIGRATE_ON_START: boolish.default(false),
  SUPPORTDESK_CACHE_MAX_ENTRIES: intIn(0, 1_000_000).default(5_000),
  SUPPORTDESK_CACHE_TTL_MS: intIn(0, 86_400_000).default(30_000),
  SUPPORTDESK_CACHE_MAX_MB: intIn(1, 4096).default(4),
  SUPPORTDESK_REFUND_LIMIT_CENTS: intIn(0, 1_000_000_000).default(50_000),
  SUPPORTDESK_REFUND_DAILY_LIMIT_CENTS: intIn(0, 1_000_000_000).default(200_000),
  SUPPORTDESK_REFUND_INTENT_TTL_S: intIn(10, 86_400).default(900),
  SUPPORTDESK_RETURN_WINDOW_DAYS: intIn(1, 365).default(30),
  SUPPORTDESK_SHUTDOWN_GRACE_MS: intIn(0, 60_000).default(5_000),
  SUPPORTDESK_HEAP_GROWTH_PERCENT: intIn(0, 300).default(50),
  SUPPORTDESK_SEMI_SPACE_MB: intIn(0, 256).default(8),
  ...httpEnvShape,
  SUPPORTDESK_METRICS_TOKEN_FILE: z.string().trim().min(1).optional(),
  // OpenTelemetry's own variables: the exporter reads the rest (headers, protocol details) itself.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_SDK_DISABLED: boolish.default(false),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('supportdesk-mcp'),
});

export interface Config {
  readonly command: Command;
  readonly seedSize: SeedSize;
  /** seed --if-empty: load data only into a database without customers (a stack's first start). */
  readonly seedIfEmpty: boolean;
  readonly databaseUrl: string | undefined;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /** lock_timeout of every write: how long it waits for a row another session holds (then BUSY). */
  readonly lockTimeoutMs: number;
  readonly dataDir: string;
  /** As root: where the copy of the PostgreSQL binaries the postgres user can run is kept. */
  readonly binariesDir: string;
  /** --yes: replace existing data without asking (seed). */
  readonly assumeYes: boolean;
  readonly logLevel: z.infer<typeof envSchema>['SUPPORTDESK_LOG_LEVEL'];
  readonly principal: string;
  readonly role: Role;
  readonly readOnly: boolean;
  readonly migrateOnStart: boolean;
  readonly cache: { readonly maxEntries: number; readonly ttlMs: number; readonly maxBytes: number };
  /** Limits are per currency: cents of whatever currency the order uses. intentTtlSeconds applies to every prepared action. */
  readonly refunds: { readonly perRefundLimitCents: number; readonly dailyLimitCents: number; readonly intentTtlSeconds: number };
  readonly orders: { readonly returnWindowDays: number };
  readonly shutdownGraceMs: number;
  /** serve: V8's old-generation growth past the live heap, in percent (0: V8's own, up to 300%). */
  readonly heapGrowthPercent: number;
  /** serve: the most one semi-space of V8's young generation may grow to, in MiB (0: V8's own maximum). */
  readonly semiSpaceMiB: number;
  /** serve: Streamable HTTP (--http) instead of stdio. */
  readonly transport: 'stdio' | 'http';
  readonly http: HttpConfig;
  readonly auth: AuthConfig;
  /** token create: whom the new token names (--principal and --role, both required). */
  readonly tokenRequest: { readonly principal: string; readonly role: Role } | undefined;
  /** File holding the bearer token of GET /metrics over HTTP; unset: /metrics is open. */
  readonly metricsTokenFile: string | undefined;
  /** Traces are exported over OTLP only when an endpoint is set (and the SDK not disabled). */
  readonly tracing: { readonly enabled: boolean; readonly serviceName: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Flags override the matching environment variables. */
const FLAG_TO_ENV: Record<string, keyof z.input<typeof envSchema>> = {
  'database-url': 'DATABASE_URL',
  'pool-size': 'SUPPORTDESK_POOL_SIZE',
  'data-dir': 'SUPPORTDESK_DATA_DIR',
  'log-level': 'SUPPORTDESK_LOG_LEVEL',
  principal: 'SUPPORTDESK_PRINCIPAL',
  role: 'SUPPORTDESK_ROLE',
};

export function defaultDataDir(env: NodeJS.ProcessEnv, uid: number): string {
  // Root's cluster lives where system services keep their state (it runs as 'postgres').
  if (uid === 0) return '/var/lib/supportdesk-mcp';
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'supportdesk-mcp');
}

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  let parsed: ReturnType<typeof parseCli> | undefined;
  try {
    parsed = parseCli(argv);
  } catch (err) {
    problems.push((err as Error).message);
  }

  const command = parsed?.positionals[0] ?? 'serve';
  if (!(COMMANDS as readonly string[]).includes(command)) {
    problems.push(`unknown command "${command}" (expected one of: ${COMMANDS.join(', ')})`);
  }
  const maxPositionals = command === 'token' ? 2 : 1;
  if (parsed && parsed.positionals.length > maxPositionals) {
    problems.push(`unexpected argument "${parsed.positionals[maxPositionals]}"`);
  }
  if (command === 'token' && (parsed?.positionals[1] !== 'create' || !parsed.values.principal || !parsed.values.role)) {
    problems.push('usage: token create --principal NAME --role viewer|agent|supervisor');
  }
  const seedSize = parsed?.values.size ?? 'demo';
  if (!(SEED_SIZES as readonly string[]).includes(seedSize)) {
    problems.push(`--size: expected one of ${SEED_SIZES.join(', ')}, got "${seedSize}"`);
  }

  const merged: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  for (const [flag, key] of Object.entries(FLAG_TO_ENV)) {
    const value = parsed?.values[flag as keyof typeof parsed.values];
    if (typeof value === 'string') merged[key] = value;
  }
  if (parsed?.values['read-only']) merged.SUPPORTDESK_READ_ONLY = 'true';
  if (parsed?.values.migrate) merged.SUPPORTDESK_MIGRATE_ON_START = 'true';

  const result = envSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = issue.path.join('.');
      problems.push(`${name}: ${issue.message} (got ${JSON.stringify(merged[name] ?? null)})`);
    }
  }
  const http = result.success
    ? httpConfigFrom(result.data, { http: Boolean(parsed?.values.http) && command === 'serve', insecureNoAuth: Boolean(parsed?.values['insecure-no-auth']) }, problems)
    : undefined;
  if (problems.length > 0 || !result.success || !http) throw new ConfigError(problems);

  const e = result.data;
  const config: Config = {
    command: command as Command,
    seedSize: seedSize as SeedSize,
    seedIfEmpty: parsed?.values['if-empty'] ?? false,
    databaseUrl: e.DATABASE_URL,
    poolSize: e.SUPPORTDESK_POOL_SIZE,
    connectTimeoutMs: e.SUPPORTDESK_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: e.SUPPORTDESK_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: e.SUPPORTDESK_LOCK_TIMEOUT_MS,
    dataDir: e.SUPPORTDESK_DATA_DIR ?? defaultDataDir(env, process.getuid?.() ?? -1),
    binariesDir: e.SUPPORTDESK_BINARIES_DIR,
    assumeYes: parsed?.values.yes === true,
    logLevel: e.SUPPORTDESK_LOG_LEVEL,
    principal: e.SUPPORTDESK_PRINCIPAL,
    role: e.SUPPORTDESK_READ_ONLY ? 'viewer' : e.SUPPORTDESK_ROLE,
    // Read-only caps every principal, the stdio one and each HTTP caller, to viewer.
    readOnly: e.SUPPORTDESK_READ_ONLY,
    migrateOnStart: e.SUPPORTDESK_MIGRATE_ON_START,
    cache: { maxEntries: e.SUPPORTDESK_CACHE_MAX_ENTRIES, ttlMs: e.SUPPORTDESK_CACHE_TTL_MS, maxBytes: e.SUPPORTDESK_CACHE_MAX_MB * 1_048_576 },
    refunds: {
      perRefundLimitCents: e.SUPPORTDESK_REFUND_LIMIT_CENTS,
      dailyLimitCents: e.SUPPORTDESK_REFUND_DAILY_LIMIT_CENTS,
      intentTtlSeconds: e.SUPPORTDESK_REFUND_INTENT_TTL_S,
    },
    orders: { returnWindowDays: e.SUPPORTDESK_RETURN_WINDOW_DAYS },
    shutdownGraceMs: e.SUPPORTDESK_SHUTDOWN_GRACE_MS,
    heapGrowthPercent: e.SUPPORTDESK_HEAP_GROWTH_PERCENT,
    semiSpaceMiB: e.SUPPORTDESK_SEMI_SPACE_MB,
    transport: parsed?.values.http ? 'http' : 'stdio',
    http: http.http,
    auth: http.auth,
    tokenRequest: command === 'token' ? { principal: e.SUPPORTDESK_PRINCIPAL, role: e.SUPPORTDESK_ROLE } : undefined,
    metricsTokenFile: e.SUPPORTDESK_METRICS_TOKEN_FILE,
    tracing: {
      enabled: Boolean(e.OTEL_EXPORTER_OTLP_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && !e.OTEL_SDK_DISABLED,
      serviceName: e.OTEL_SERVICE_NAME,
    },
  };
  return Object.freeze({
    ...config,
    cache: Object.freeze(config.cache),
    refunds: Object.freeze(config.refunds),
    orders: Object.freeze(config.orders),
    tracing: Object.freeze(config.tracing),
  });
}

function parseCli(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'database-url': { type: 'string' },
      'pool-size': { type: 'string' },
      'data-dir': { type: 'string' },
      'log-level': { type: 'string' },
      principal: { type: 'string' },
      role: { type: 'string' },
      'read-only': { type: 'boolean' },
      migrate: { type: 'boolean' },
      size: { type: 'string' },
      http: { type: 'boolean' },
      'insecure-no-auth': { type: 'boolean' },
      yes: { type: 'boolean' },
      'if-empty': { type: 'boolean' },
    },
  });
}
