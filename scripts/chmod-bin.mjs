// tsc does not keep the executable bit; the bin entry needs it.
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

chmodSync(fileURLToPath(new globalThis.URL('../dist/src/main.js', import.meta.url)), 0o755);
