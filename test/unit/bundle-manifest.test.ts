import { getMcpConfigForManifest, MANIFEST_SCHEMAS } from '@anthropic-ai/mcpb';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_PLATFORMS, type BundlePlatform, bundleManifest, MANIFEST_VERSION, type PackageInfo } from '../../scripts/bundle/manifest.js';
import { loadConfig } from '../../src/config.js';
import { packageRoot } from '../../src/lib/paths.js';
import { allTools } from '../../src/mcp/tool-registry.js';

const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as PackageInfo;
const platforms = Object.keys(BUNDLE_PLATFORMS) as BundlePlatform[];

/** The server's configuration as Claude Desktop would start it from this manifest with these settings. */
async function configFromDesktop(platform: BundlePlatform, userConfig: Record<string, string | boolean>) {
  const manifest = MANIFEST_SCHEMAS[MANIFEST_VERSION].parse(bundleManifest(pkg, allTools(), platform));
  const launch = await getMcpConfigForManifest({ manifest, extensionPath: '/opt/bundle', systemDirs: {}, userConfig, pathSeparator: '/' });
  if (!launch) throw new Error('no launch configuration');
  return { launch, config: loadConfig((launch.args ?? []).slice(1), launch.env ?? {}) };
}

describe('the desktop bundle manifest', () => {
  it.each(platforms)('passes the mcpb %s schema, lists every tool, and names its platform', (platform) => {
    const manifest = bundleManifest(pkg, allTools(), platform);
    const parsed = MANIFEST_SCHEMAS[MANIFEST_VERSION].safeParse(manifest);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(manifest.tools.map((t) => t.name)).toEqual(allTools().map((t) => t.name));
    expect(manifest.compatibility.platforms).toEqual([BUNDLE_PLATFORMS[platform].os]);
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.user_config.database_url).toMatchObject({ sensitive: true, required: false });
  });

  it('starts on the embedded demo database as an agent when nothing is configured', async () => {
    const { launch, config } = await configFromDesktop('linux-x64', {});
    expect(launch.args).toEqual(['/opt/bundle/dist/src/main.js']);
    expect(config).toMatchObject({ command: 'serve', databaseUrl: undefined, role: 'agent', principal: 'local-agent', readOnly: false });
  });

  it('passes the database URL, principal, role and read-only setting through to the server', async () => {
    const { config } = await configFromDesktop('darwin-arm64', {
      database_url: 'postgresql://support:secret@db.internal:5432/support',
      principal: 'jane@company.example',
      role: 'supervisor',
      read_only: true,
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://support:secret@db.internal:5432/support',
      principal: 'jane@company.example',
      role: 'viewer',
      readOnly: true,
    });
  });
});
