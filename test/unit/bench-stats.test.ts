import { describe, expect, it } from 'vitest';
import { median, medianSummary, percentile, ratio, summarize } from '../../bench/stats.js';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe('percentile (nearest rank)', () => {
  it('returns observed values at the nearest rank', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 95)).toBe(95);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
  });

  it('rounds the rank up on small samples', () => {
    const sorted = [10, 20, 30, 40, 50];
    expect(percentile(sorted, 50)).toBe(30); // rank ceil(2.5) = 3
    expect(percentile(sorted, 95)).toBe(50); // rank ceil(4.75) = 5
    expect(percentile(sorted, 1)).toBe(10); // rank ceil(0.05) = 1
    expect(percentile([7], 99)).toBe(7);
  });

  it('is NaN for an empty sample and rejects p outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1, 2], 0)).toThrow(RangeError);
    expect(() => percentile([1, 2], 101)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('takes the middle of an odd count regardless of input order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([9.5, 0.25, 4])).toBe(4);
  });

  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('ignores non-finite values and is NaN when none remain', () => {
    expect(median([Number.NaN, 5, 1, Number.POSITIVE_INFINITY, 3])).toBe(3);
    expect(median([])).toBeNaN();
    expect(median([Number.NaN])).toBeNaN();
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('summarize', () => {
  it('sorts the samples and reports percentiles, mean and max', () => {
    const shuffled = [...oneToHundred].reverse();
    expect(summarize(shuffled)).toEqual({ n: 100, p50: 50, p95: 95, p99: 99, mean: 50.5, max: 100 });
  });

  it('lets a single outlier move p99 and max but not p50', () => {
    const samples = [...Array.from({ length: 99 }, () => 1), 500];
    const s = summarize(samples);
    expect(s.p50).toBe(1);
    expect(s.p99).toBe(1);
    expect(s.max).toBe(500);
    expect(s.mean).toBeCloseTo(5.99, 10);
  });

  it('is all NaN except n for no samples', () => {
    const s = summarize([]);
    expect(s.n).toBe(0);
    expect(s.p50).toBeNaN();
    expect(s.mean).toBeNaN();
  });
});

describe('medianSummary', () => {
  it('takes the median of each field across repeated runs', () => {
    const runs = [
      { n: 2000, p50: 1.0, p95: 2.0, p99: 9.0, mean: 1.2, max: 30 },
      { n: 2000, p50: 0.8, p95: 2.5, p99: 3.0, mean: 1.1, max: 10 },
      { n: 1990, p50: 0.9, p95: 1.5, p99: 4.0, mean: 1.4, max: 20 },
    ];
    expect(medianSummary(runs)).toEqual({ n: 2000, p50: 0.9, p95: 2.0, p99: 4.0, mean: 1.2, max: 20 });
  });
});

describe('ratio', () => {
  it('divides, and is NaN when the divisor is not positive or a side is missing', () => {
    expect(ratio(3, 1.5)).toBe(2);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
    expect(ratio(2, -1)).toBeNaN();
  });
});
