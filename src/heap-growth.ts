import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection, in percent.
 *
 * V8 picks the growth factor from how fast the process promotes objects against how fast it can mark:
 * under 64 calls in flight every call's objects outlive a scavenge or two, so the factor sits at its
 * maximum, 4x. With about 40 MiB live that let the heap commit 160+ MiB before collecting (peak RSS
 * 250-270 MiB); the pages stay committed afterwards. A fixed factor bounds that; the cost is more
 * (incremental) full collections of a small heap. Read by V8 at every full collection, so setting it
 * after startup works (unlike the new-space size, fixed when the heap is created).
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

const MiB = 1_048_576;

/** One semi-space of the young generation in MiB (V8 reports new_space as both semi-spaces). */
export function semiSpaceMiB(): number {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return space ? space.space_size / 2 / MiB : 0;
}

/**
 * The factor V8 may grow the young generation by at its next resize so that a semi-space stays within
 * `maxMiB`: V8's own doubling below the bound, 1 (no growth) once another doubling would pass it.
 */
export function youngGrowthFactor(currentMiB: number, maxMiB: number): number {
  return Math.max(1, Math.min(2, Math.floor(maxMiB / Math.max(currentMiB, Number.EPSILON))));
}

/**
 * Keeps a semi-space of the young generation within `maxMiB` (0: V8's own maximum), from inside the process.
 *
 * V8 fixes the maximum semi-space when it creates the heap (`--max-semi-space-size`, or by default 16 MiB
 * on Node 20 and 22 and 64 MiB on Node 24, whose V8 raised scavenger_max_new_space_capacity_mb from 8 to
 * 32, doubled without pointer compression), so a running process cannot lower it. But each time V8 grows
 * the young generation it reads `--semi-space-growth-factor` afresh (SemiSpaceNewSpace::Grow: new capacity
 * = min(maximum, factor × current)); after every collection this sets that factor to 2 (V8's own) while a
 * doubling stays within the bound and to 1 once it would not. If V8 shrinks the young generation (an idle
 * process), the factor goes back to 2 and it can grow again up to the bound.
 */
export function limitYoungGeneration(maxMiB: number): void {
  if (maxMiB <= 0) return;
  let factor = 2;
  const apply = () => {
    const next = youngGrowthFactor(semiSpaceMiB(), maxMiB);
    if (next !== factor) v8.setFlagsFromString(`--semi-space-growth-factor=${next}`);
    factor = next;
  };
  apply();
  new PerformanceObserver(apply).observe({ entryTypes: ['gc'] });
}
