// Preload (--import) for e2e tests: appends every V8 flag string the process sets at run time to
// V8_FLAGS_TRACE_FILE, then sets it as asked.
import { appendFileSync } from 'node:fs';
import process from 'node:process';
import v8 from 'node:v8';

const setFlags = v8.setFlagsFromString.bind(v8);
v8.setFlagsFromString = (flags) => {
  appendFileSync(process.env.V8_FLAGS_TRACE_FILE, `${flags}\n`);
  setFlags(flags);
};
