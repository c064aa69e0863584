import { describe, expect, it } from 'vitest';
import { youngGrowthFactor } from '../../src/heap-growth.js';

describe('youngGrowthFactor', () => {
  it("doubles like V8's own while a doubling stays within the bound", () => {
    expect(youngGrowthFactor(0.5, 8)).toBe(2);
    expect(youngGrowthFactor(4, 8)).toBe(2);
  });

  it('stops growth once a doubling would pass the bound, or the space is already past it', () => {
    expect(youngGrowthFactor(6, 8)).toBe(1);
    expect(youngGrowthFactor(8, 8)).toBe(1);
    expect(youngGrowthFactor(64, 8)).toBe(1);
  });
});
