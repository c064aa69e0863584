import { createSecretKey } from 'node:crypto';
import { exportSPKI, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcVerifier, type TokenCheck } from '../../src/auth/oidc.js';
import type { OidcConfig } from '../../src/http-config.js';
import { createLogger } from '../../src/observability/logger.js';
import { textOf } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { connectHttp, MCP_HEADERS, rawCall, startInProcessHttp, type InProcessHttp } from '../helpers/http.js';
import { type LocalIssuer, startLocalIssuer } from '../helpers/oidc-issuer.js';
import { ok } from '../helpers/write-fixtures.js';

/** OAuth 2.1 resource server against a real issuer on 127.0.0.1 with keys generated here. */

const AUDIENCE = 'https://support.example.test/mcp';
const log = createLogger('silent');
let issuer: LocalIssuer;

const config = (overrides: Partial<OidcConfig> = {}): OidcConfig => ({
  issuer: issuer.issuer,
  audience: [AUDIENCE],
  algorithms: ['RS256', 'ES256'],
  clockSkewSeconds: 30,
  roleClaim: 'supportdesk_role',
  roleMap: { 'support-leads': 'supervisor', 'support-team': 'agent' },
  scopes: [],
  ...overrides,
});
const now = () => Math.floor(Date.now() / 1000);
const rejection = (check: TokenCheck) => (check.kind === 'invalid' ? check.reason : check.kind);

beforeAll(async () => {
  issuer = await startLocalIssuer(AUDIENCE);
});

afterAll(async () => {
  await issuer?.close();
});

describe('JWT access tokens', () => {
  let verifier: OidcVerifier;
  beforeAll(() => {
    verifier = new OidcVerifier(config(), log);
  });

  it('accepts a valid token: principal from email, role from the claim', async () => {
    const check = await verifier.verify(await issuer.sign({ email: 'jane@team.example', supportdesk_role: 'agent' }));
    expect(check).toEqual({ kind: 'ok', principal: { id: 'jane@team.example', role: 'agent' } });
  });

  it('falls back to sub without an (verified) email, and to viewer without a known role', async () => {
    expect(await verifier.verify(await issuer.sign({}))).toEqual({ kind: 'ok', principal: { id: 'user-123', role: 'viewer' } });
    const unverified = await verifier.verify(await issuer.sign({ email: 'x@team.example', email_verified: false, supportdesk_role: 'root' }));
    expect(unverified).toEqual({ kind: 'ok', principal: { id: 'user-123', role: 'viewer' } });
  });

  it('maps group claims, the highest role winning, and reads dotted paths', async () => {
    const groups = new OidcVerifier(config({ roleClaim: 'groups' }), log);
    expect(await groups.verify(await issuer.sign({ groups: ['everyone', 'support-team', 'support-leads'] }))).toMatchObject({ principal: { role: 'supervisor' } });
    expect(await groups.verify(await issuer.sign({ groups: ['everyone', 'support-team'] }))).toMatchObject({ principal: { role: 'agent' } });
    expect(await groups.verify(await issuer.sign({ groups: ['everyone'] }))).toMatchObject({ principal: { role: 'viewer' } });
    const keycloak = new OidcVerifier(config({ roleClaim: 'realm_access.roles' }), log);
    expect(await keycloak.verify(await issuer.sign({ realm_access: { roles: ['offline_access', 'agent'] } }))).toMatchObject({ principal: { role: 'agent' } });
  });

  it('refuses expired and not-yet-valid tokens, with the clock skew allowed', async () => {
    expect(rejection(await verifier.verify(await issuer.sign({ exp: now() - 120 })))).toBe('token expired');
    expect(await verifier.verify(await issuer.sign({ exp: now() - 10 }))).toMatchObject({ kind: 'ok' });
    expect(rejection(await verifier.verify(await issuer.sign({ nbf: now() + 120 })))).toBe('token not yet valid');
    expect(await verifier.verify(await issuer.sign({ nbf: now() + 10 }))).toMatchObject({ kind: 'ok' });
    expect(rejection(await verifier.verify(await issuer.sign({ exp: undefined })))).toBe('token has no expiry');
  });

  it('refuses a token for another audience or from another issuer', async () => {
    expect(rejection(await verifier.verify(await issuer.sign({ aud: 'https://other.example.test/mcp' })))).toBe('wrong audience');
    expect(rejection(await verifier.verify(await issuer.sign({ iss: 'https://evil.example.test' })))).toBe('wrong issuer');
  });

  it('refuses a bad signature, alg none, and an HMAC token keyed with the public key', async () => {
    const good = await issuer.sign({ email: 'jane@team.example' });
    const [header, , signature] = good.split('.');
    const forged = await issuer.sign({ email: 'mallory@team.example', supportdesk_role: 'supervisor' });
    expect(rejection(await verifier.verify(`${header}.${forged.split('.')[1]}.${signature}`))).toBe('bad signature');

    const none = new UnsecuredJWT({ iss: issuer.issuer, aud: AUDIENCE, sub: 'mallory', exp: now() + 300, supportdesk_role: 'supervisor' }).encode();
    expect(rejection(await verifier.verify(none))).toBe('signing algorithm not allowed');

    const { publicKey } = await import('jose').then((j) => j.generateKeyPair('RS256', { extractable: true }));
    const hmac = await new SignJWT({ iss: issuer.issuer, aud: AUDIENCE, sub: 'mallory', exp: now() + 300 })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .sign(createSecretKey(Buffer.from(await exportSPKI(publicKey))));
    expect(rejection(await verifier.verify(hmac))).toBe('signing algorithm not allowed');
  });

  it('accepts the other allowed algorithms the issuer publishes keys for', async () => {
    await issuer.addKey('es-key', { alg: 'ES256' });
    const fresh = new OidcVerifier(config(), log);
    expect(await fresh.verify(await issuer.sign({ supportdesk_role: 'agent' }, { kid: 'es-key' }))).toMatchObject({ kind: 'ok', principal: { role: 'agent' } });
    const rsOnly = new OidcVerifier(config({ algorithms: ['RS256'] }), log);
    expect(rejection(await rsOnly.verify(await issuer.sign({}, { kid: 'es-key' })))).toBe('signing algorithm not allowed');
  });

  it('refetches the JWKS once for an unknown kid, and no more within the cooldown', async () => {
    await issuer.addKey('key-rotated', { published: false });
    await issuer.addKey('key-secret', { published: false });
    const [first, rotated, unknown] = await Promise.all([issuer.sign({}), issuer.sign({}, { kid: 'key-rotated' }), issuer.sign({}, { kid: 'key-secret' })]);
    const cooldownMs = 1_000;
    const rotating = new OidcVerifier(config(), log, { jwksCooldownMs: cooldownMs });
    expect(await rotating.verify(first)).toMatchObject({ kind: 'ok' });
    const afterFirst = issuer.jwksFetches();
    await new Promise((r) => setTimeout(r, cooldownMs + 100));

    issuer.publish('key-rotated');
    expect(await rotating.verify(rotated)).toMatchObject({ kind: 'ok' });
    expect(issuer.jwksFetches()).toBe(afterFirst + 1);
    expect(rejection(await rotating.verify(unknown))).toBe('unknown signing key');
    expect(rejection(await rotating.verify(unknown))).toBe('unknown signing key');
    expect(issuer.jwksFetches()).toBe(afterFirst + 1);
  });

  it('says the issuer is unavailable (not that the token is bad) when discovery fails', async () => {
    issuer.setDown(true);
    try {
      const fresh = new OidcVerifier(config(), log);
      expect(await fresh.verify(await issuer.sign({}))).toEqual({ kind: 'unavailable', reason: 'issuer discovery failed' });
    } finally {
      issuer.setDown(false);
    }
  });
});

describe('the HTTP server as an OAuth resource server', () => {
  let tdb: TestDatabase;
  let http: InProcessHttp;
  let customerId: string;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    customerId = (await insertCustomer(tdb.db)).id;
    http = await startInProcessHttp(tdb, { SUPPORTDESK_OIDC_ISSUER: issuer.issuer, SUPPORTDESK_OIDC_AUDIENCE: AUDIENCE, SUPPORTDESK_OIDC_SCOPES: 'supportdesk' });
  });

  afterAll(async () => {
    await http?.close();
    await tdb?.drop();
  });

  const post = (headers: Record<string, string>) =>
    fetch(http.mcpUrl, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body: JSON.stringify(rawCall(1, 'get_customer', { id: customerId })) });

  it('answers 401 with the resource metadata URL, and serves the metadata (RFC 9728)', async () => {
    const res = await post({});
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toBe(
      'Bearer realm="supportdesk-mcp", resource_metadata="https://support.example.test/.well-known/oauth-protected-resource/mcp", scope="supportdesk"',
    );
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const meta = await fetch(`${http.handle.url}${path}`);
      expect(meta.status).toBe(200);
      expect(await meta.json()).toMatchObject({ resource: AUDIENCE, authorization_servers: [issuer.issuer], bearer_methods_supported: ['header'], scopes_supported: ['supportdesk'] });
    }
  });

  it('says why a token was refused, in the challenge', async () => {
    const expired = await post({ authorization: `Bearer ${await issuer.sign({ exp: now() - 600 })}` });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token", error_description="token expired"');
    const wrongAudience = await post({ authorization: `Bearer ${await issuer.sign({ aud: 'https://elsewhere.test' })}` });
    expect(wrongAudience.headers.get('www-authenticate')).toContain('error_description="wrong audience"');
  });

  it('serves a client whose token names an agent, and audits the write under the token\u2019s principal', async () => {
    const token = await issuer.sign({ email: 'olga@team.example', supportdesk_role: 'agent' });
    const client = await connectHttp(http.mcpUrl, token);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('add_interaction_note');
      const note = ok<{ interaction_id: string; agent: string }>(
        (await client.callTool({ name: 'add_interaction_note', arguments: { customer_id: customerId, body: 'called back' } })) as never,
      );
      expect(note.agent).toBe('olga@team.example');
      const audit = await tdb.db.selectFrom('audit_log').select(['actor', 'role']).where('entity_id', '=', note.interaction_id).execute();
      expect(audit).toEqual([{ actor: 'olga@team.example', role: 'agent' }]);
    } finally {
      await client.close();
    }
  });

  it('gives a token without a role claim viewer rights', async () => {
    const client = await connectHttp(http.mcpUrl, await issuer.sign({ email: 'nobody@team.example' }));
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('add_interaction_note');
      const refused = await client.callTool({ name: 'add_interaction_note', arguments: { customer_id: customerId, body: 'x' } });
      expect(textOf(refused as never)).toMatch(/Tool add_interaction_note not found/);
    } finally {
      await client.close();
    }
  });
});
