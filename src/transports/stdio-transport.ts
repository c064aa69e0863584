import type { Readable, Writable } from 'node:stream';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../observability/logger.js';
import { checkLine, errorReply, type ErrorReply } from './jsonrpc-guard.js';

/** The longest request line accepted (bytes). Tool arguments are small; anything near this is junk. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** How much of an oversized line is kept to find its id, so its reply can name the request. */
const HEAD_BYTES = 1024;

export interface StdioTransportOptions {
  readonly log: Logger;
  readonly maxLineBytes?: number;
  /** Called once when the transport cannot go on (stdin or stdout failed), with the reason. */
  readonly onFatal?: (reason: string) => void;
}

/**
 * MCP over newline-delimited JSON-RPC on stdin/stdout, as the SDK's StdioServerTransport, but a
 * bad line costs only that line: it is answered (parse error, invalid request or params, too large)
 * and the transport keeps reading. The limit is per line, and an oversized line is skipped as it
 * streams in, never held in memory. Only a failure of stdin or stdout itself ends it.
 */
export class StdioLineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly maxLineBytes: number;
  private chunks: Buffer[] = [];
  private size = 0;
  /** Set while skipping the rest of an oversized line: its first bytes, to find its id. */
  private oversizedHead: string | undefined;
  private closed = false;

  constructor(
    private readonly options: StdioTransportOptions,
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
  ) {
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  }

  async start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdin.on('error', this.onInputError);
    this.stdout.on('error', this.onOutputError);
  }

  send(message: JSONRPCMessage | ErrorReply): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.stdout.write(serializeMessage(message as JSONRPCMessage))) resolve();
      else this.stdout.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('error', this.onInputError);
    this.stdout.off('error', this.onOutputError);
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.chunks = [];
    this.size = 0;
    this.onclose?.();
  }

  private readonly onData = (chunk: Buffer): void => {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) {
        this.append(chunk.subarray(start));
        return;
      }
      this.append(chunk.subarray(start, nl));
      this.endLine();
      start = nl + 1;
    }
  };

  private append(part: Buffer): void {
    if (part.length === 0 || this.oversizedHead !== undefined) return;
    if (this.size + part.length <= this.maxLineBytes) {
      this.chunks.push(part);
      this.size += part.length;
      return;
    }
    this.oversizedHead = Buffer.concat([...this.chunks, part]).toString('utf8', 0, HEAD_BYTES);
    this.chunks = [];
    this.size = 0;
  }

  private endLine(): void {
    if (this.oversizedHead !== undefined) {
      const id = topLevelId(this.oversizedHead);
      this.oversizedHead = undefined;
      this.options.log.warn({ id, limitBytes: this.maxLineBytes }, 'request line over the size limit: answered and skipped');
      void this.send(errorReply(id, ErrorCode.InvalidRequest, `Invalid request: the message is larger than the limit of ${this.maxLineBytes} bytes.`));
      return;
    }
    const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    const line = bytes.toString('utf8').replace(/\r$/, '');
    if (line.trim() === '') return;
    const checked = checkLine(line);
    if (checked.ok) {
      this.onmessage?.(checked.message);
      return;
    }
    this.options.log.warn({ reason: checked.reason, replied: checked.reply !== undefined }, 'malformed message from the client');
    if (checked.reply) void this.send(checked.reply);
  }

  private readonly onInputError = (err: Error): void => this.fail(`stdin failed: ${err.message}`, err);
  private readonly onOutputError = (err: Error): void => this.fail(`stdout failed: ${err.message}`, err);

  private fail(reason: string, err: Error): void {
    if (this.closed) return;
    this.onerror?.(err);
    this.options.onFatal?.(reason);
    void this.close();
  }
}

/**
 * The id of a request from the first bytes of its line, when it comes before any nested value
 * (`{"jsonrpc":"2.0","id":7,...`); null when it cannot be told for sure.
 */
export function topLevelId(head: string): string | number | null {
  const match = /"id"\s*:\s*(-?\d{1,15}(?![\d.eE])|"(?:[^"\\]|\\.){0,200}")/.exec(head);
  if (!match) return null;
  const before = head.slice(0, match.index);
  if (!/^\s*\{[^{}[\]]*$/.test(before)) return null;
  try {
    return JSON.parse(match[1]!) as string | number;
  } catch {
    return null;
  }
}
