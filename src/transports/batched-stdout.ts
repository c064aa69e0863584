import { Writable } from 'node:stream';

/**
 * A stream for the stdio transport's output that writes once per event-loop turn. Answers finished
 * in the same turn (many calls in flight) reach stdout in one write, in order, instead of one
 * synchronous write each. Backpressure passes through: a write the target refuses holds the
 * next batch until it drains. Wire it as the transport's stdout:
 * `new StdioServerTransport(process.stdin, batchedStdout(process.stdout))`.
 */
class BatchedWriter extends Writable {
  private scheduled = false;

  constructor(private readonly target: Writable) {
    // One turn's answers are buffered whole: no early backpressure inside a turn.
    super({ highWaterMark: 4 * 1024 * 1024, decodeStrings: true });
  }

  override write(chunk: unknown, encoding?: BufferEncoding | ((error: Error | null | undefined) => void), cb?: (error: Error | null | undefined) => void): boolean {
    if (!this.scheduled) {
      this.scheduled = true;
      this.cork();
      setImmediate(() => {
        this.scheduled = false;
        this.uncork();
      });
    }
    return typeof encoding === 'function' ? super.write(chunk, encoding) : super.write(chunk, encoding as BufferEncoding, cb);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.forward(chunk, done);
  }

  override _writev(chunks: { chunk: Buffer }[], done: (error?: Error | null) => void): void {
    this.forward(Buffer.concat(chunks.map((c) => c.chunk)), done);
  }

  override _final(done: (error?: Error | null) => void): void {
    done();
  }

  private forward(data: Buffer, done: (error?: Error | null) => void): void {
    if (this.target.write(data)) done();
    else this.target.once('drain', () => done());
  }
}

export function batchedStdout(target: Writable): Writable {
  return new BatchedWriter(target);
}
