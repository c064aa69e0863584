// Preload (node --import) for tests: records every module the process loads into MODULE_TRACE_FILE,
// ES modules as the loader hook sees them and CommonJS ones from require.cache at exit.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import process from 'node:process';
import { URL } from 'node:url';

const file = process.env.MODULE_TRACE_FILE;
if (file) {
  register(new URL('./hooks.mjs', import.meta.url), { data: { file } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => appendFileSync(file, Object.keys(cache).map((p) => `cjs ${p}\n`).join('')));
}
