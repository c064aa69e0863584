import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeArgsByVariant, parseVariants } from '../../bench/variants.js';

/** The variant options the A/B scripts (bench/ab.ts, cold-start.ts, http-ab.ts, tokens-ab.ts) share. */

describe('--variant name=dir', () => {
  it('names each build and resolves its folder, in the order given', () => {
    expect(parseVariants(['base=/tmp/ab/base', 'new=.'])).toEqual([
      { name: 'base', dir: '/tmp/ab/base' },
      { name: 'new', dir: path.resolve('.') },
    ]);
  });

  it.each(['base', '=dir', 'base='])('refuses %j', (value) => {
    expect(() => parseVariants([value])).toThrow(`--variant name=dir, got ${value}`);
  });
});

describe('--node-arg name:--flag', () => {
  it('collects the flags of each variant in order; a flag may hold colons and equals signs', () => {
    const args = nodeArgsByVariant(['new:--max-old-space-size=96', 'base:--jitless', 'new:--require=a:b']);
    expect(Object.fromEntries(args)).toEqual({ new: ['--max-old-space-size=96', '--require=a:b'], base: ['--jitless'] });
  });

  it.each([':--flag', '--flag'])('refuses %j', (value) => {
    expect(() => nodeArgsByVariant([value])).toThrow(`--node-arg name:--flag, got ${value}`);
  });
});
