import { describe, expect, it } from 'vitest';
import { Authenticator, protectedResourceMetadataUrl } from '../../src/auth/authenticate.js';
import { claimAt, roleFromClaim } from '../../src/auth/oidc.js';
import { createToken, parseTokenFile, TokenFileError } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { writeTokenFile } from '../helpers/http.js';

describe('static tokens', () => {
  it('stores only the hash, and reports every bad line of a file at once', () => {
    const { token, line } = createToken('jane@x.example', 'agent');
    expect(line).not.toContain(token);
    expect(parseTokenFile(`# team\n\n${line}\n`, 'f').map((e) => e.principal)).toEqual([{ id: 'jane@x.example', role: 'agent' }]);
    try {
      parseTokenFile(`${line}\n${line}\nsha256:abc jane agent\nsha256:${'a'.repeat(64)} bob admin\n`, 'tokens');
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(TokenFileError);
      expect((err as Error).message).toMatch(/line 2: the same token hash appears twice; line 3: expected .*; line 4: role must be one of/);
    }
    expect(() => createToken('two words', 'agent')).toThrow(/no spaces/);
  });

  it('admits a listed token as its principal, capped to viewer in read-only mode', async () => {
    const { file, tokens } = await writeTokenFile([{ id: 'sue@x.example', role: 'supervisor' }]);
    const log = createLogger('silent');
    const auth = await Authenticator.create(loadConfig(['--http'], { SUPPORTDESK_TOKENS_FILE: file }), log);
    expect(await auth.authenticate(`Bearer ${tokens['sue@x.example']}`)).toEqual({ kind: 'ok', principal: { id: 'sue@x.example', role: 'supervisor' } });
    expect(await auth.authenticate(`bearer  ${tokens['sue@x.example']}`)).toMatchObject({ kind: 'ok' });
    expect(await auth.authenticate(`Bearer ${tokens['sue@x.example']}x`)).toEqual({ kind: 'unauthenticated', error: 'invalid_token', description: 'unknown token' });
    expect(await auth.authenticate(undefined)).toEqual({ kind: 'unauthenticated' });
    const readOnly = await Authenticator.create(loadConfig(['--http', '--read-only'], { SUPPORTDESK_TOKENS_FILE: file }), log);
    expect(await readOnly.authenticate(`Bearer ${tokens['sue@x.example']}`)).toEqual({ kind: 'ok', principal: { id: 'sue@x.example', role: 'viewer' } });
  });
});

describe('OIDC claims', () => {
  it('reads a claim by exact name first (names may hold dots), else by dotted path', () => {
    expect(claimAt({ 'https://x.example/roles': ['agent'] }, 'https://x.example/roles')).toEqual(['agent']);
    expect(claimAt({ realm_access: { roles: ['agent'] } }, 'realm_access.roles')).toEqual(['agent']);
    expect(claimAt({}, 'a.b.c')).toBeUndefined();
  });

  it('maps values to the highest known role, ignoring anything else', () => {
    const map = { leads: 'supervisor', team: 'agent' } as const;
    expect(roleFromClaim(['team', 'leads'], map)).toBe('supervisor');
    expect(roleFromClaim('viewer', map)).toBe('viewer');
    expect(roleFromClaim(['constructor', 'toString', 42, null], map)).toBeUndefined();
    expect(roleFromClaim(undefined, map)).toBeUndefined();
  });

  it('places the resource metadata per RFC 9728', () => {
    expect(protectedResourceMetadataUrl('https://s.example.com/mcp')).toBe('https://s.example.com/.well-known/oauth-protected-resource/mcp');
    expect(protectedResourceMetadataUrl('https://s.example.com/')).toBe('https://s.example.com/.well-known/oauth-protected-resource');
  });
});
