import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { type Principal, principalFromConfig } from '../request.js';
import { OidcVerifier, type OidcOptions } from './oidc.js';
import { StaticTokens } from './tokens.js';

/**
 * Who is calling over HTTP, from the `Authorization: Bearer` header only: a static token from the
 * tokens file, else an OIDC access token. Nothing the client merely asserts counts. In read-only
 * mode every principal is a viewer.
 */

export type AuthOutcome =
  | { readonly kind: 'ok'; readonly principal: Principal }
  /** 401: no credentials (no `error`), or a token that is not valid. */
  | { readonly kind: 'unauthenticated'; readonly error?: 'invalid_request' | 'invalid_token'; readonly description?: string }
  /** 503: the token could not be checked (the issuer or its keys are unreachable). */
  | { readonly kind: 'unavailable'; readonly description: string };

export const REALM = 'supportdesk-mcp';
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** RFC 9728: where the metadata of the resource at `resourceUrl` is served. */
export function protectedResourceMetadataUrl(resourceUrl: string): string {
  const url = new URL(resourceUrl);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return new URL(`/.well-known/oauth-protected-resource${path}`, url.origin).href;
}

export class Authenticator {
  private constructor(
    private readonly config: Config,
    private readonly log: Logger,
    private readonly tokens: StaticTokens | undefined,
    private readonly oidc: OidcVerifier | undefined,
  ) {}

  static async create(config: Config, log: Logger, oidcOptions?: OidcOptions): Promise<Authenticator> {
    const tokens = config.auth.tokensFile ? await StaticTokens.load(config.auth.tokensFile) : undefined;
    const oidc = config.auth.oidc ? new OidcVerifier(config.auth.oidc, log, oidcOptions) : undefined;
    // Discovery failing at startup is not fatal: the issuer may come up later; calls get 503 until then.
    await oidc?.discover().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'OIDC issuer discovery failed; will retry on demand'));
    if (tokens) log.info({ file: tokens.file, tokens: tokens.size }, 'static tokens loaded');
    return new Authenticator(config, log, tokens, oidc);
  }

  /** Re-reads the tokens file (SIGHUP). A file that cannot be read or parsed leaves the previous tokens in place. */
  async reloadTokens(): Promise<void> {
    if (!this.tokens) return;
    try {
      const count = await this.tokens.reload();
      this.log.info({ file: this.tokens.file, tokens: count }, 'static tokens reloaded');
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'tokens file not reloaded; keeping the previous tokens');
    }
  }

  async authenticate(authorization: string | undefined): Promise<AuthOutcome> {
    if (this.config.http.insecureNoAuth) return { kind: 'ok', principal: this.capped(principalFromConfig(this.config)) };
    if (authorization === undefined) return { kind: 'unauthenticated' };
    const token = BEARER.exec(authorization)?.[1];
    if (!token) return { kind: 'unauthenticated', error: 'invalid_request', description: 'expected Authorization: Bearer <token>' };
    const known = this.tokens?.verify(token);
    if (known) return { kind: 'ok', principal: this.capped(known) };
    if (this.oidc && token.split('.').length === 3) {
      const check = await this.oidc.verify(token);
      if (check.kind === 'ok') return { kind: 'ok', principal: this.capped(check.principal) };
      if (check.kind === 'unavailable') return { kind: 'unavailable', description: check.reason };
      return { kind: 'unauthenticated', error: 'invalid_token', description: check.reason };
    }
    return { kind: 'unauthenticated', error: 'invalid_token', description: 'unknown token' };
  }

  /** The WWW-Authenticate value of a 401 (RFC 6750; resource_metadata per RFC 9728 when OAuth is on). */
  challenge(outcome: Extract<AuthOutcome, { kind: 'unauthenticated' }>): string {
    const params = [`realm="${REALM}"`];
    const metadata = this.metadataUrl();
    if (metadata) params.push(`resource_metadata="${metadata}"`);
    if (outcome.error) params.push(`error="${outcome.error}"`);
    if (outcome.description) params.push(`error_description="${outcome.description}"`);
    const scopes = this.config.auth.oidc?.scopes ?? [];
    if (scopes.length > 0) params.push(`scope="${scopes.join(' ')}"`);
    return `Bearer ${params.join(', ')}`;
  }

  /** RFC 9728 protected resource metadata, when an authorization server issues our tokens. */
  resourceMetadata(): Record<string, unknown> | undefined {
    const oidc = this.config.auth.oidc;
    const resource = this.config.http.publicUrl;
    if (!oidc || !resource) return undefined;
    return {
      resource,
      authorization_servers: [oidc.issuer],
      bearer_methods_supported: ['header'],
      ...(oidc.scopes.length > 0 ? { scopes_supported: oidc.scopes } : {}),
      resource_name: 'supportdesk-mcp',
    };
  }

  private metadataUrl(): string | undefined {
    return this.config.auth.oidc && this.config.http.publicUrl ? protectedResourceMetadataUrl(this.config.http.publicUrl) : undefined;
  }

  private capped(principal: Principal): Principal {
    return this.config.readOnly && principal.role !== 'viewer' ? Object.freeze({ id: principal.id, role: 'viewer' }) : principal;
  }
}
