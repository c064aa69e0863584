import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { ROLES, type Role } from '../config.js';
import type { OidcConfig } from '../http-config.js';
import type { Logger } from '../observability/logger.js';
import type { Principal } from '../request.js';

/**
 * OAuth 2.1 resource server: JWT access tokens checked with jose against the issuer's JWKS, found
 * through the issuer's discovery document. Signature with an allowed asymmetric algorithm, `iss`,
 * `aud` (this server's resource URL, RFC 8707), `exp` (required) and `nbf` within the clock skew.
 * The principal is the `email` claim, else `sub`; the role comes from the configured claim.
 */

export type TokenCheck =
  | { readonly kind: 'ok'; readonly principal: Principal }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface OidcOptions {
  /** Minimum time between two JWKS downloads (an unknown `kid` triggers at most one per period). */
  readonly jwksCooldownMs?: number;
  readonly fetchTimeoutMs?: number;
  /** Minimum time between two discovery attempts after a failure. */
  readonly discoveryRetryMs?: number;
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, agent: 1, supervisor: 2 };

/** The claim at `path`: a top-level claim of that exact name first (names may contain dots), else a dotted path. */
export function claimAt(payload: JWTPayload, path: string): unknown {
  if (path in payload) return payload[path];
  let value: unknown = payload;
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** The highest role any value of the claim maps to (through the map, or by being a role name); none: undefined. */
export function roleFromClaim(value: unknown, roleMap: Readonly<Record<string, Role>>): Role | undefined {
  let best: Role | undefined;
  for (const v of Array.isArray(value) ? value : [value]) {
    if (typeof v !== 'string') continue;
    const role = Object.hasOwn(roleMap, v) ? roleMap[v] : (ROLES as readonly string[]).includes(v) ? (v as Role) : undefined;
    if (role && (best === undefined || ROLE_RANK[role] > ROLE_RANK[best])) best = role;
  }
  return best;
}

function describeRejection(err: unknown): string | undefined {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    const names: Record<string, string> = { aud: 'wrong audience', iss: 'wrong issuer', nbf: 'token not yet valid', exp: 'token has no expiry' };
    return names[err.claim] ?? `claim ${err.claim} invalid`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'signing algorithm not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return 'unknown signing key';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported) return 'malformed token';
  return undefined; // JWKS download failed, timed out or was invalid: not the token's fault
}

export class OidcVerifier {
  private jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  private discovering: Promise<void> | undefined;
  private lastFailureAt = -Infinity;
  private readonly opts: Required<OidcOptions>;

  constructor(
    private readonly config: OidcConfig,
    private readonly log: Logger,
    options: OidcOptions = {},
  ) {
    this.opts = { jwksCooldownMs: 30_000, fetchTimeoutMs: 5_000, discoveryRetryMs: 5_000, ...options };
  }

  /** Finds the JWKS URL from the issuer's metadata (OpenID discovery, else RFC 8414). Safe to call again. */
  discover(): Promise<void> {
    if (this.jwks) return Promise.resolve();
    this.discovering ??= this.fetchMetadata()
      .then((jwksUri) => {
        this.jwks = createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: this.opts.jwksCooldownMs, timeoutDuration: this.opts.fetchTimeoutMs });
        this.log.info({ issuer: this.config.issuer, jwksUri }, 'OIDC issuer discovered');
      })
      .catch((err: unknown) => {
        this.lastFailureAt = performance.now();
        throw err;
      })
      .finally(() => {
        this.discovering = undefined;
      });
    return this.discovering;
  }

  async verify(token: string): Promise<TokenCheck> {
    if (!this.jwks) {
      if (performance.now() - this.lastFailureAt < this.opts.discoveryRetryMs) return { kind: 'unavailable', reason: 'issuer discovery failed recently' };
      try {
        await this.discover();
      } catch (err) {
        this.log.warn({ issuer: this.config.issuer, err: (err as Error).message }, 'OIDC issuer discovery failed');
        return { kind: 'unavailable', reason: 'issuer discovery failed' };
      }
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks as NonNullable<typeof this.jwks>, {
        issuer: this.config.issuer,
        audience: [...this.config.audience],
        algorithms: [...this.config.algorithms],
        clockTolerance: this.config.clockSkewSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      const reason = describeRejection(err);
      if (reason) return { kind: 'invalid', reason };
      this.log.warn({ err: (err as Error).message }, 'JWKS unavailable');
      return { kind: 'unavailable', reason: 'signing keys unavailable' };
    }
    const email = typeof payload.email === 'string' && payload.email.includes('@') && payload.email_verified !== false ? payload.email : undefined;
    const id = email ?? payload.sub;
    if (!id) return { kind: 'invalid', reason: 'token names no subject' };
    const role = roleFromClaim(claimAt(payload, this.config.roleClaim), this.config.roleMap);
    if (!role) this.log.info({ principal: id, claim: this.config.roleClaim }, 'token carries no known role: viewer');
    return { kind: 'ok', principal: Object.freeze({ id: id.slice(0, 200), role: role ?? 'viewer' }) };
  }

  private async fetchMetadata(): Promise<string> {
    const issuer = new URL(this.config.issuer);
    const path = issuer.pathname.replace(/\/$/, '');
    const candidates = [
      new URL(`${path}/.well-known/openid-configuration`, issuer.origin),
      new URL(`/.well-known/oauth-authorization-server${path}`, issuer.origin),
    ];
    const failures: string[] = [];
    for (const url of candidates) {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.opts.fetchTimeoutMs), headers: { accept: 'application/json' } }).catch((err: unknown) => {
        failures.push(`${url.href}: ${(err as Error).message}`);
        return undefined;
      });
      if (!res) continue;
      if (!res.ok) {
        failures.push(`${url.href}: HTTP ${res.status}`);
        continue;
      }
      const meta = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
      // OpenID Discovery 4.3 / RFC 8414 3.3: the document must name exactly the issuer we asked.
      if (meta.issuer !== this.config.issuer) throw new Error(`${url.href} names issuer ${JSON.stringify(meta.issuer)}, expected ${this.config.issuer}`);
      if (typeof meta.jwks_uri !== 'string') throw new Error(`${url.href} has no jwks_uri`);
      return meta.jwks_uri;
    }
    throw new Error(`no issuer metadata: ${failures.join('; ')}`);
  }
}
