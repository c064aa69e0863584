import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const problemsOf = (argv: string[], env: Record<string, string>): string => {
  try {
    loadConfig(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join('\n');
    throw err;
  }
  return '';
};

describe('HTTP configuration', () => {
  it('binds to 127.0.0.1:3000 and allows the localhost names by default', () => {
    const c = loadConfig(['serve', '--http'], { SUPPORTDESK_TOKENS_FILE: '/etc/tokens' });
    expect(c.transport).toBe('http');
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 3000, allowedHosts: ['localhost', '127.0.0.1', '[::1]'], allowedOrigins: undefined, insecureNoAuth: false });
    expect(c.auth).toEqual({ tokensFile: '/etc/tokens', oidc: undefined });
    expect(loadConfig([], {}).transport).toBe('stdio');
  });

  it('refuses to serve HTTP without authentication, and without allowed hosts off loopback', () => {
    expect(problemsOf(['--http'], {})).toContain('serve --http needs authentication');
    expect(problemsOf(['--http', '--insecure-no-auth'], { SUPPORTDESK_HTTP_HOST: '0.0.0.0' })).toContain('only on a loopback address');
    expect(problemsOf(['--http'], { SUPPORTDESK_HTTP_HOST: '10.0.0.5', SUPPORTDESK_TOKENS_FILE: '/t' })).toContain('SUPPORTDESK_HTTP_ALLOWED_HOSTS: required');
    expect(problemsOf(['--http', '--insecure-no-auth'], { SUPPORTDESK_TOKENS_FILE: '/t' })).toContain('drop one of them');
    expect(problemsOf(['--http', '--insecure-no-auth'], {})).toBe('');
    const lan = loadConfig(['--http'], { SUPPORTDESK_HTTP_HOST: '0.0.0.0', SUPPORTDESK_TOKENS_FILE: '/t', SUPPORTDESK_HTTP_ALLOWED_HOSTS: 'Support.Example.com, 10.0.0.5' });
    expect(lan.http.allowedHosts).toEqual(['support.example.com', '10.0.0.5']);
  });

  it('reads OIDC settings: issuer and audience together, https, known algorithms, a role map', () => {
    const c = loadConfig(['--http'], {
      SUPPORTDESK_OIDC_ISSUER: 'https://id.example.com/realms/support',
      SUPPORTDESK_OIDC_AUDIENCE: 'https://support.example.com/mcp',
      SUPPORTDESK_OIDC_ROLE_CLAIM: 'groups',
      SUPPORTDESK_OIDC_ROLE_MAP: 'Support Leads=supervisor, support-team=agent',
    });
    expect(c.auth.oidc).toMatchObject({
      audience: ['https://support.example.com/mcp'],
      algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      clockSkewSeconds: 30,
      roleClaim: 'groups',
      roleMap: { 'Support Leads': 'supervisor', 'support-team': 'agent' },
    });
    expect(c.http.publicUrl).toBe('https://support.example.com/mcp');
    expect(problemsOf(['--http'], { SUPPORTDESK_OIDC_ISSUER: 'https://id.example.com' })).toContain('go together');
    expect(problemsOf(['--http'], { SUPPORTDESK_OIDC_ISSUER: 'http://id.example.com', SUPPORTDESK_OIDC_AUDIENCE: 'https://s.example.com/mcp' })).toContain('must be https://');
    expect(problemsOf([], { SUPPORTDESK_OIDC_ALGORITHMS: 'RS256,none' })).toContain('SUPPORTDESK_OIDC_ALGORITHMS');
    expect(problemsOf([], { SUPPORTDESK_OIDC_ALGORITHMS: 'HS256' })).toContain('SUPPORTDESK_OIDC_ALGORITHMS');
    expect(problemsOf([], { SUPPORTDESK_OIDC_ISSUER: 'https://i.example', SUPPORTDESK_OIDC_AUDIENCE: 'https://a.example/mcp', SUPPORTDESK_OIDC_ROLE_MAP: 'admins=root' })).toContain(
      'SUPPORTDESK_OIDC_ROLE_MAP',
    );
  });

  it('parses token create and requires its principal and role', () => {
    expect(loadConfig(['token', 'create', '--principal', 'jane@x.example', '--role', 'viewer'], {}).tokenRequest).toEqual({ principal: 'jane@x.example', role: 'viewer' });
    expect(problemsOf(['token', 'create', '--role', 'agent'], { SUPPORTDESK_PRINCIPAL: 'from-env' })).toContain('usage: token create');
    expect(problemsOf(['token', 'delete', '--principal', 'a', '--role', 'agent'], {})).toContain('usage: token create');
  });
});
