import net from 'node:net';
import { z } from 'zod';
import { ROLES, type Role } from './config.js';

/**
 * The HTTP transport's and authentication's part of the configuration: the environment variables,
 * and the checks across them (reported with every other configuration problem, by config.ts).
 */

const list = z.string().transform((s) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0),
);
const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const httpUrl = z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

/** Asymmetric JWS algorithms an access token may be signed with. Never `none`, never a shared secret. */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

export const httpEnvShape = {
  SUPPORTDESK_HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  SUPPORTDESK_HTTP_PORT: intIn(0, 65_535).default(3000),
  SUPPORTDESK_HTTP_ALLOWED_HOSTS: list.optional(),
  SUPPORTDESK_HTTP_ALLOWED_ORIGINS: list.optional(),
  SUPPORTDESK_HTTP_RATE_LIMIT: z.coerce.number().min(0).max(1_000_000).default(20),
  SUPPORTDESK_HTTP_RATE_BURST: intIn(1, 1_000_000).default(40),
  SUPPORTDESK_HTTP_REQUEST_TIMEOUT_MS: intIn(1_000, 600_000).default(30_000),
  SUPPORTDESK_PUBLIC_URL: httpUrl.optional(),
  SUPPORTDESK_TOKENS_FILE: z.string().trim().min(1).optional(),
  SUPPORTDESK_OIDC_ISSUER: httpUrl.optional(),
  SUPPORTDESK_OIDC_AUDIENCE: list.pipe(z.array(z.string().min(1)).min(1)).optional(),
  SUPPORTDESK_OIDC_ROLE_CLAIM: z.string().trim().min(1).default('supportdesk_role'),
  SUPPORTDESK_OIDC_ROLE_MAP: list.optional(),
  SUPPORTDESK_OIDC_ALGORITHMS: list.pipe(z.array(z.enum(JWT_ALGORITHMS)).min(1)).optional(),
  SUPPORTDESK_OIDC_CLOCK_SKEW_S: intIn(0, 300).default(30),
  SUPPORTDESK_OIDC_SCOPES: list.optional(),
};

type HttpEnv = z.infer<z.ZodObject<typeof httpEnvShape>>;

export interface OidcConfig {
  readonly issuer: string;
  /** Accepted `aud` values; the first is this server's resource URL (RFC 8707). */
  readonly audience: readonly string[];
  readonly algorithms: readonly string[];
  readonly clockSkewSeconds: number;
  /** Claim holding the role or groups: a top-level name, or a dotted path (realm_access.roles). */
  readonly roleClaim: string;
  /** Claim value (a group name, an app role) -> role. Values equal to a role name map to it too. */
  readonly roleMap: Readonly<Record<string, Role>>;
  readonly scopes: readonly string[];
}

export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  /** Host header names (without port) accepted on /mcp. */
  readonly allowedHosts: readonly string[];
  /** Origin header values accepted on /mcp when a browser sends one; unset: origins on an allowed host. */
  readonly allowedOrigins: readonly string[] | undefined;
  /** Requests per second per principal (token bucket refill); 0 turns the limit off. */
  readonly rateLimitPerSecond: number;
  readonly rateLimitBurst: number;
  readonly requestTimeoutMs: number;
  /** Where clients reach /mcp; names the resource in the protected resource metadata. */
  readonly publicUrl: string | undefined;
  readonly insecureNoAuth: boolean;
}

export interface AuthConfig {
  readonly tokensFile: string | undefined;
  readonly oidc: OidcConfig | undefined;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  if (LOOPBACK_NAMES.includes(host.toLowerCase())) return true;
  return net.isIPv4(host) && host.startsWith('127.');
}

function parseRoleMap(pairs: readonly string[], problems: string[]): Record<string, Role> {
  const map: Record<string, Role> = {};
  for (const pair of pairs) {
    const eq = pair.lastIndexOf('=');
    const name = pair.slice(0, eq).trim();
    const role = pair.slice(eq + 1).trim();
    if (eq <= 0 || !(ROLES as readonly string[]).includes(role)) {
      problems.push(`SUPPORTDESK_OIDC_ROLE_MAP: expected claim-value=role pairs with role one of ${ROLES.join(', ')}, got "${pair}"`);
      continue;
    }
    map[name] = role as Role;
  }
  return map;
}

/** Builds the HTTP and auth configuration; cross-variable problems are appended to `problems`. */
export function httpConfigFrom(e: HttpEnv, flags: { http: boolean; insecureNoAuth: boolean }, problems: string[]): { http: HttpConfig; auth: AuthConfig } {
  const host = e.SUPPORTDESK_HTTP_HOST;
  const loopback = isLoopbackHost(host);
  let oidc: OidcConfig | undefined;
  if (e.SUPPORTDESK_OIDC_ISSUER || e.SUPPORTDESK_OIDC_AUDIENCE) {
    if (!e.SUPPORTDESK_OIDC_ISSUER || !e.SUPPORTDESK_OIDC_AUDIENCE) {
      problems.push('SUPPORTDESK_OIDC_ISSUER and SUPPORTDESK_OIDC_AUDIENCE go together: set both, or neither');
    } else {
      if (e.SUPPORTDESK_OIDC_ISSUER.startsWith('http://') && !isLoopbackHost(new URL(e.SUPPORTDESK_OIDC_ISSUER).hostname)) {
        problems.push('SUPPORTDESK_OIDC_ISSUER: must be https:// (plain http only for an issuer on this machine)');
      }
      oidc = {
        issuer: e.SUPPORTDESK_OIDC_ISSUER,
        audience: e.SUPPORTDESK_OIDC_AUDIENCE,
        algorithms: e.SUPPORTDESK_OIDC_ALGORITHMS ?? ['RS256', 'PS256', 'ES256', 'EdDSA'],
        clockSkewSeconds: e.SUPPORTDESK_OIDC_CLOCK_SKEW_S,
        roleClaim: e.SUPPORTDESK_OIDC_ROLE_CLAIM,
        roleMap: Object.freeze(parseRoleMap(e.SUPPORTDESK_OIDC_ROLE_MAP ?? [], problems)),
        scopes: e.SUPPORTDESK_OIDC_SCOPES ?? [],
      };
    }
  }
  const auth: AuthConfig = { tokensFile: e.SUPPORTDESK_TOKENS_FILE, oidc };
  const hasAuth = Boolean(auth.tokensFile || auth.oidc);
  const publicUrl = e.SUPPORTDESK_PUBLIC_URL ?? oidc?.audience.find((a) => /^https?:\/\//.test(a));

  if (flags.http) {
    if (flags.insecureNoAuth && !loopback) problems.push(`--insecure-no-auth: only on a loopback address (SUPPORTDESK_HTTP_HOST is ${host})`);
    if (flags.insecureNoAuth && hasAuth) problems.push('--insecure-no-auth: authentication is configured as well; drop one of them');
    if (!flags.insecureNoAuth && !hasAuth) {
      problems.push(
        'serve --http needs authentication: SUPPORTDESK_TOKENS_FILE (static tokens) and/or SUPPORTDESK_OIDC_ISSUER + SUPPORTDESK_OIDC_AUDIENCE' +
          ' (or --insecure-no-auth, on a loopback address only)',
      );
    }
    if (!loopback && !e.SUPPORTDESK_HTTP_ALLOWED_HOSTS) {
      problems.push(`SUPPORTDESK_HTTP_ALLOWED_HOSTS: required when binding to ${host} (the host names clients use to reach this server)`);
    }
    if (oidc && !publicUrl) problems.push('SUPPORTDESK_PUBLIC_URL: required when no SUPPORTDESK_OIDC_AUDIENCE is an http(s) URL');
  }

  const allowedHosts = e.SUPPORTDESK_HTTP_ALLOWED_HOSTS ?? (loopback ? ['localhost', '127.0.0.1', '[::1]'] : []);
  const http: HttpConfig = {
    host,
    port: e.SUPPORTDESK_HTTP_PORT,
    allowedHosts: allowedHosts.map((h) => h.toLowerCase()),
    allowedOrigins: e.SUPPORTDESK_HTTP_ALLOWED_ORIGINS,
    rateLimitPerSecond: e.SUPPORTDESK_HTTP_RATE_LIMIT,
    rateLimitBurst: e.SUPPORTDESK_HTTP_RATE_BURST,
    requestTimeoutMs: e.SUPPORTDESK_HTTP_REQUEST_TIMEOUT_MS,
    publicUrl,
    insecureNoAuth: flags.insecureNoAuth,
  };
  return { http: Object.freeze(http), auth: Object.freeze(auth) };
}
