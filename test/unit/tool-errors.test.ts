import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/lib/errors.js';
import { toolError } from '../../src/mcp/define-tool.js';
import { createLogger } from '../../src/observability/logger.js';

/** A real pino logger writing into memory, to read what a failure would log. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: createLogger('info', sink), text: () => lines.join('') };
}

describe('errors written to the log', () => {
  it('mask emails and phone numbers in unexpected failures', () => {
    const { log, text } = capturedLogger();
    const result = toolError(new Error('duplicate key (email)=(jane.doe@example.com) phone +44 20 7946 0123'), 'req-1', log);
    expect(result.isError).toBe(true);
    expect(text()).toContain('unexpected tool failure');
    expect(text()).not.toContain('jane.doe@example.com');
    expect(text()).not.toContain('7946 0123');
    expect(text()).toContain('j***@example.com');
  });

  it('mask them in domain errors too', () => {
    const { log, text } = capturedLogger();
    toolError(new NotFoundError('No customer with email zoe.angstrom@example.org or phone +1 (555) 010-9999.'), 'req-2', log);
    expect(text()).toContain('NOT_FOUND');
    expect(text()).not.toContain('zoe.angstrom@example.org');
    expect(text()).not.toContain('010-9999');
  });
});

describe('data exceptions (SQLSTATE class 22)', () => {
  it('become VALIDATION, never INTERNAL: only a client value can cause them', () => {
    const { log } = capturedLogger();
    for (const code of ['22021', '22P05', '22008', '22003']) {
      const err = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code });
      const result = toolError(err, 'req-3', log);
      const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
      expect(text, code).toMatch(/^VALIDATION: /);
      expect(text).not.toContain('0x00');
    }
  });
});
