// Loader hook of register.mjs: one line per ES module loaded.
import { appendFileSync } from 'node:fs';

let file;
export function initialize(data) {
  file = data.file;
}
export async function load(url, context, next) {
  appendFileSync(file, `esm ${url}\n`);
  return next(url, context);
}
