import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ROLES, type Role } from '../config.js';
import type { Principal } from '../request.js';

/**
 * Static bearer tokens. The tokens file holds one line per token, `sha256:<hex> <principal> <role>`
 * (blank lines and `#` comments allowed): only hashes are stored, so the file is no secret.
 * A presented token is hashed and compared with every stored hash in constant time.
 */

const TOKEN_PREFIX = 'sdmcp_';
const LINE = /^sha256:([0-9a-f]{64})\s+(\S+)\s+(\S+)$/;
const PRINCIPAL = /^[^\s#]{1,100}$/;

interface TokenEntry {
  readonly hash: Buffer;
  readonly principal: Principal;
}

export class TokenFileError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'TokenFileError';
  }
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** A new random token (256 bits) and the tokens-file line that admits it. */
export function createToken(principal: string, role: Role): { token: string; line: string } {
  if (!PRINCIPAL.test(principal)) throw new Error(`principal "${principal}": 1-100 characters, no spaces and no #`);
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, line: `sha256:${sha256(token).toString('hex')} ${principal} ${role}` };
}

/** Parses a tokens file; every malformed line is reported at once. */
export function parseTokenFile(text: string, file: string): TokenEntry[] {
  const entries: TokenEntry[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = LINE.exec(line);
    const [hex, principal, role] = m ? [m[1] ?? '', m[2] ?? '', m[3] ?? ''] : ['', '', ''];
    if (!m) problems.push(`line ${i + 1}: expected "sha256:<64 hex digits> <principal> <role>"`);
    else if (!PRINCIPAL.test(principal)) problems.push(`line ${i + 1}: principal too long`);
    else if (!(ROLES as readonly string[]).includes(role)) problems.push(`line ${i + 1}: role must be one of ${ROLES.join(', ')}`);
    else if (seen.has(hex)) problems.push(`line ${i + 1}: the same token hash appears twice`);
    else {
      seen.add(hex);
      entries.push({ hash: Buffer.from(hex, 'hex'), principal: Object.freeze({ id: principal, role: role as Role }) });
    }
  });
  if (problems.length > 0) throw new TokenFileError(file, problems);
  return entries;
}

/** The tokens of SUPPORTDESK_TOKENS_FILE, re-read on demand (SIGHUP); a bad file keeps the previous set. */
export class StaticTokens {
  private entries: readonly TokenEntry[] = [];

  private constructor(readonly file: string) {}

  static async load(file: string): Promise<StaticTokens> {
    const tokens = new StaticTokens(file);
    await tokens.reload();
    return tokens;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Re-reads the file. Throws (and keeps the tokens it had) when the file cannot be read or parsed. */
  async reload(): Promise<number> {
    this.entries = parseTokenFile(await readFile(this.file, 'utf8'), this.file);
    return this.entries.length;
  }

  /** The principal a token stands for, or undefined. Looks at every entry whatever matches. */
  verify(token: string): Principal | undefined {
    const presented = sha256(token);
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.hash, presented)) found ??= entry.principal;
    }
    return found;
  }
}
