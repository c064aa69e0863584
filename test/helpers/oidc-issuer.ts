import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

/**
 * A real OAuth authorization server's public face on 127.0.0.1 for tests: OpenID discovery and a
 * JWKS endpoint serving keys generated here, plus a signer for access tokens. Counts JWKS downloads.
 */

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

interface SigningKey {
  kid: string;
  alg: string;
  pair: KeyPair;
  published: boolean;
}

export interface LocalIssuer {
  readonly issuer: string;
  jwksFetches(): number;
  /** Signs an access token with key `kid` (default: the first); claims are merged over sane defaults. */
  sign(claims: JWTPayload, options?: { kid?: string; header?: Record<string, unknown> }): Promise<string>;
  /** Adds a key, published in the JWKS or not. */
  addKey(kid: string, options?: { published?: boolean; alg?: 'RS256' | 'ES256' }): Promise<void>;
  /** Publishes a key added unpublished (a key rotation). */
  publish(kid: string): void;
  /** Makes discovery answer 503 (issuer down) or normally again. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startLocalIssuer(audience: string): Promise<LocalIssuer> {
  const keys: SigningKey[] = [];
  let fetches = 0;
  let down = false;
  let issuer = '';
  const jwks = async (): Promise<{ keys: JWK[] }> => ({
    keys: await Promise.all(keys.filter((k) => k.published).map(async (k) => ({ ...(await exportJWK(k.pair.publicKey)), kid: k.kid, alg: k.alg, use: 'sig' }))),
  });
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (down) {
        res.writeHead(503).end();
        return;
      }
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256'] }));
      } else if (req.url === '/jwks') {
        fetches += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await jwks()));
      } else res.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const addKey: LocalIssuer['addKey'] = async (kid, options = {}) => {
    const alg = options.alg ?? 'RS256';
    keys.push({ kid, alg, pair: await generateKeyPair(alg, { extractable: true }), published: options.published ?? true });
  };
  await addKey('key-1');

  return {
    issuer,
    jwksFetches: () => fetches,
    addKey,
    publish: (kid) => {
      for (const k of keys) if (k.kid === kid) k.published = true;
    },
    setDown: (value) => {
      down = value;
    },
    async sign(claims, options = {}) {
      const key = keys.find((k) => k.kid === (options.kid ?? 'key-1'));
      if (!key) throw new Error(`no key ${options.kid}`);
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, aud: audience, sub: 'user-123', iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header })
        .sign(key.pair.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
