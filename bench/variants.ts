import path from 'node:path';
import { createLogger } from '../src/observability/logger.js';
import { type BenchDatabase, type BenchSize, openBenchServer, prepareBenchDatabase } from './database.js';
import { type Cleanup, say } from './lifecycle.js';

/**
 * What the A/B scripts (ab, cold-start, http-ab, tokens-ab) share: the builds they compare, named
 * on the command line, and the bench database they run them on.
 */

/** A build of the server: a folder holding a built dist/ next to package.json, migrations/ and node_modules/. */
export interface Variant {
  readonly name: string;
  /** The folder, absolute. */
  readonly dir: string;
}

/** The values of `--variant name=dir`, in order. */
export function parseVariants(values: readonly string[]): Variant[] {
  return values.map((v) => {
    const [name, dir] = v.split('=');
    if (!name || !dir) throw new Error(`--variant name=dir, got ${v}`);
    return { name, dir: path.resolve(dir) };
  });
}

/** The values of `--node-arg name:--flag`: the node flags of each variant, by name, in order. */
export function nodeArgsByVariant(values: readonly string[]): Map<string, string[]> {
  const argsOf = new Map<string, string[]>();
  for (const a of values) {
    const i = a.indexOf(':');
    if (i < 1) throw new Error(`--node-arg name:--flag, got ${a}`);
    argsOf.set(a.slice(0, i), [...(argsOf.get(a.slice(0, i)) ?? []), a.slice(i + 1)]);
  }
  return argsOf;
}

/** The bench database of `size` (see bench/database.ts), its server closed by `cleanup`. */
export async function openBenchDatabase(cleanup: Cleanup, size: BenchSize): Promise<BenchDatabase> {
  const log = createLogger('warn');
  const server = await openBenchServer(log, say);
  cleanup.add(() => server.close());
  return prepareBenchDatabase(server, size, log, say);
}
