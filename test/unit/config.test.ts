import { describe, expect, it } from 'vitest';
import { ConfigError, defaultDataDir, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('gives defaults for an empty environment', () => {
    const c = loadConfig([], {});
    expect(c).toMatchObject({ command: 'serve', databaseUrl: undefined, poolSize: 10, role: 'agent', readOnly: false, seedSize: 'demo' });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.refunds)).toBe(true);
  });

  it('reports every problem at once, naming each variable', () => {
    try {
      loadConfig(['bogus'], { DATABASE_URL: 'mysql://x', SUPPORTDESK_POOL_SIZE: '0', SUPPORTDESK_ROLE: 'root', SUPPORTDESK_READ_ONLY: 'maybe' });
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['unknown command "bogus"', 'DATABASE_URL', 'SUPPORTDESK_POOL_SIZE', 'SUPPORTDESK_ROLE', 'SUPPORTDESK_READ_ONLY']) {
        expect(problems).toContain(name);
      }
    }
  });

  it('bounds memory by default: heap growth 50%, a 4 MiB read cache; 0 leaves V8 its own growth', () => {
    expect(loadConfig([], {})).toMatchObject({ heapGrowthPercent: 50, cache: { maxBytes: 4 * 1_048_576 } });
    expect(loadConfig([], { SUPPORTDESK_HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(() => loadConfig([], { SUPPORTDESK_HEAP_GROWTH_PERCENT: '301' })).toThrow(/SUPPORTDESK_HEAP_GROWTH_PERCENT/);
  });

  it('bounds the young generation at 8 MiB a semi-space by default; 0 leaves V8 its own', () => {
    expect(loadConfig([], {}).semiSpaceMiB).toBe(8);
    expect(loadConfig([], { SUPPORTDESK_SEMI_SPACE_MB: '0' }).semiSpaceMiB).toBe(0);
    expect(() => loadConfig([], { SUPPORTDESK_SEMI_SPACE_MB: '257' })).toThrow(/SUPPORTDESK_SEMI_SPACE_MB/);
  });

  it('lets flags override the environment', () => {
    const c = loadConfig(['seed', '--size', 'small', '--role', 'supervisor', '--pool-size', '3'], { SUPPORTDESK_ROLE: 'viewer', SUPPORTDESK_POOL_SIZE: '8' });
    expect(c).toMatchObject({ command: 'seed', seedSize: 'small', role: 'supervisor', poolSize: 3 });
  });

  it('forces viewer behaviour in read-only mode whatever the role', () => {
    expect(loadConfig(['--read-only'], { SUPPORTDESK_ROLE: 'supervisor' })).toMatchObject({ role: 'viewer', readOnly: true });
    expect(loadConfig([], { SUPPORTDESK_READ_ONLY: 'true' })).toMatchObject({ role: 'viewer', readOnly: true });
  });

  it('rejects unknown flags and sizes', () => {
    expect(() => loadConfig(['--nope'], {})).toThrow(ConfigError);
    expect(() => loadConfig(['seed', '--size', 'huge'], {})).toThrow(/--size/);
  });

  it('keeps root\u2019s embedded cluster where the postgres user can reach it', () => {
    expect(defaultDataDir({}, 0)).toBe('/var/lib/supportdesk-mcp');
    expect(defaultDataDir({ XDG_DATA_HOME: '/home/u/.data' }, 1000)).toBe('/home/u/.data/supportdesk-mcp');
  });
});
