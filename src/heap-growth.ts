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
