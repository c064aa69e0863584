#!/usr/bin/env node
import module from 'node:module';

// V8's compile cache (Node >= 22.1; Node 20 has none) is on before the program's modules load, so a
// start after the first reads their compiled code from disk instead of compiling it again (cold start).
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import('./program.js');
