import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { batchedStdout } from '../../src/transports/batched-stdout.js';

/** A target that records each write it receives; `accept` says whether it asks the writer to wait for 'drain'. */
function recordingTarget(accept: () => boolean = () => true) {
  const writes: string[] = [];
  const target = new Writable({ write: (_c, _e, cb) => cb() });
  target.write = ((chunk: Buffer | string) => {
    writes.push(chunk.toString());
    return accept();
  }) as Writable['write'];
  return { target, writes };
}

describe('batchedStdout', () => {
  it('writes the messages of one event-loop turn to its target in one write, in order', async () => {
    const { target, writes } = recordingTarget();
    const out = batchedStdout(target);
    out.write('{"id":1}\n');
    out.write('{"id":2}\n');
    out.write('{"id":3}\n');
    expect(writes).toEqual([]); // nothing before the turn ends
    await nextTurn();
    await nextTurn();
    expect(writes).toEqual(['{"id":1}\n{"id":2}\n{"id":3}\n']);
  });

  it('writes again in the next turn', async () => {
    const { target, writes } = recordingTarget();
    const out = batchedStdout(target);
    out.write('a\n');
    await nextTurn();
    await nextTurn();
    out.write('b\n');
    await nextTurn();
    await nextTurn();
    expect(writes).toEqual(['a\n', 'b\n']);
  });

  it('holds the next batch until a target that refused a write drains', async () => {
    let full = true;
    const { target, writes } = recordingTarget(() => !full);
    const out = batchedStdout(target);
    out.write('first\n');
    await nextTurn();
    await nextTurn();
    out.write('second\n');
    await nextTurn();
    await nextTurn();
    expect(writes).toEqual(['first\n']);
    full = false;
    target.emit('drain');
    await nextTurn();
    await nextTurn();
    expect(writes).toEqual(['first\n', 'second\n']);
  });
});
