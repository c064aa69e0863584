import { spawn } from 'node:child_process';
import { SERVER_ENTRY, serverEnv } from './server-process.js';

export type Message = Record<string, unknown> & { id?: unknown; error?: { code: number; message: string }; result?: Record<string, unknown> };

/**
 * The built server on raw pipes, for bytes no well-behaved client would send: every stdout line
 * is kept (parsed when it is JSON, `undefined` when not, so purity can be asserted), and replies
 * are awaited by predicate, including replies with a null id.
 */
export interface RawStdio {
  writeRaw(bytes: string | Buffer): Promise<void>;
  send(message: unknown): Promise<void>;
  /** Resolves with the first message, from `from` on, that matches; rejects after `timeoutMs`. */
  waitFor(match: (m: Message) => boolean, from?: number, timeoutMs?: number): Promise<Message>;
  /** Sends a ping with a fresh id and resolves when it is answered. */
  ping(timeoutMs?: number): Promise<void>;
  /** How many stdout lines have arrived: pass it to waitFor to look only at newer ones. */
  mark(): number;
  lines(): readonly (Message | undefined)[];
  stdoutText(): string;
  stderr(): string;
  alive(): boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  closeStdout(): void;
  kill(): void;
}

export function spawnRawStdio(env: Record<string, string>): RawStdio {
  const child = spawn(process.execPath, [SERVER_ENTRY], { env: serverEnv(env), stdio: 'pipe' });
  const parsed: (Message | undefined)[] = [];
  let text = '';
  let pending = '';
  let err = '';
  let exitedNow = false;
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    const s = chunk.toString('utf8');
    text += s;
    pending += s;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        parsed.push(JSON.parse(line) as Message);
      } catch {
        parsed.push(undefined);
      }
    }
    for (const l of listeners) l();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  child.stdin.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      exitedNow = true;
      for (const l of listeners) l();
      resolve({ code, signal });
    }),
  );
  let nextPing = 1_000_000;
  const waitFor = (match: (m: Message) => boolean, from = 0, timeoutMs = 15_000) =>
    new Promise<Message>((resolve, reject) => {
      const check = () => {
        const found = parsed.slice(from).find((m) => m !== undefined && match(m));
        if (found) {
          done();
          resolve(found);
        } else if (exitedNow) {
          done();
          reject(new Error(`server exited while waiting; stderr:\n${err.slice(-2000)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching message in ${timeoutMs} ms; stderr:\n${err.slice(-2000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  const writeRaw = (bytes: string | Buffer) =>
    new Promise<void>((resolve, reject) => child.stdin.write(bytes, (e) => (e ? reject(e) : resolve())));
  return {
    writeRaw,
    send: (message) => writeRaw(`${JSON.stringify(message)}\n`),
    waitFor,
    ping: async (timeoutMs = 15_000) => {
      const id = nextPing++;
      const from = parsed.length;
      await writeRaw(`${JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' })}\n`);
      await waitFor((m) => m.id === id && 'result' in m, from, timeoutMs);
    },
    mark: () => parsed.length,
    lines: () => parsed,
    stdoutText: () => text,
    stderr: () => err,
    alive: () => !exitedNow,
    exited,
    closeStdout: () => child.stdout.destroy(),
    kill: () => child.kill('SIGTERM'),
  };
}

/** Every stdout line so far is a JSON-RPC 2.0 message (and the output ends with a newline). */
export function onlyJsonRpc(server: RawStdio): string[] {
  const problems: string[] = [];
  const out = server.stdoutText();
  if (out.length > 0 && !out.endsWith('\n')) problems.push('stdout does not end with a newline');
  server.lines().forEach((m, i) => {
    if (m === undefined) problems.push(`line ${i} is not JSON`);
    else if (m.jsonrpc !== '2.0' || !('result' in m || 'error' in m || 'method' in m)) problems.push(`line ${i} is not JSON-RPC: ${JSON.stringify(m).slice(0, 200)}`);
  });
  return problems;
}
