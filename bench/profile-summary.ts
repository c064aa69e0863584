import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Summary of a V8 CPU profile (.cpuprofile, as `node --cpu-prof` writes it): self time per package
 * (node_modules/<name>, node internals, this project, idle/GC) and the hottest functions by self time.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** Where a frame's code lives: an npm package, node internals, the project, or V8's own buckets. */
export function packageOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (m) return m[1] as string;
  return 'project';
}

export function summarizeProfile(profile: CpuProfile, top = 30): string {
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = [...hits.values()].reduce((a, b) => a + b, 0) || profile.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const n = hits.get(node.id) ?? node.hitCount ?? 0;
    if (n === 0) continue;
    const pkg = packageOf(node.callFrame);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n);
    const where = node.callFrame.url ? `${node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '')}:${node.callFrame.lineNumber + 1}` : '';
    const key = `${node.callFrame.functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + n);
  }
  const pct = (n: number) => `${((100 * n) / total).toFixed(1)}%`.padStart(6);
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  return [
    `${total} samples over ${seconds.toFixed(1)} s`,
    '',
    'self time by package:',
    ...sorted(byPackage).map(([k, n]) => `${pct(n)}  ${k}`),
    '',
    `top ${top} functions by self time:`,
    ...sorted(byFunction)
      .slice(0, top)
      .map(([k, n]) => `${pct(n)}  ${k}`),
  ].join('\n');
}

/** Node writes the profile as the process exits: wait for a new, complete file. */
export async function waitForNewProfile(dir: string, before: Set<string>): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const fresh = (await fs.readdir(dir)).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
    if (fresh[0]) {
      const file = path.join(dir, fresh[0]);
      try {
        JSON.parse(await fs.readFile(file, 'utf8'));
        return file;
      } catch {
        // still being written
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server wrote no CPU profile');
}
