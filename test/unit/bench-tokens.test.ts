import { describe, expect, it } from 'vitest';
import { renderTokensTable, responseBytes, type TaskResult, tokensPass, tokensSummaryLine } from '../../bench/tokens.js';

const side = (responseBytes: number, done = true) => ({ calls: 1, responseBytes, textBytes: responseBytes, requestBytes: 10, done });
const task = (ours: number, peer: number, oursDone = true): TaskResult => ({ id: 'T9', title: 'a task', ours: side(ours, oursDone), peer: side(peer, false) });

describe('tokens bench arithmetic', () => {
  it('counts text content and structuredContent, as UTF-8 bytes', () => {
    expect(responseBytes({ content: [{ type: 'text', text: 'ab€' }], structuredContent: { a: 1 } })).toBe(5 + 7);
    expect(responseBytes({ content: [{ type: 'text', text: 'x' }] })).toBe(1);
  });

  it('passes a task at half the peer bytes or less, and only when our side completed it', () => {
    expect(tokensPass(task(500, 1000))).toBe(true);
    expect(tokensPass(task(501, 1000))).toBe(false);
    expect(tokensPass(task(100, 1000, false))).toBe(false);
  });

  it('prints PASS or MISS per task and overall', () => {
    const report = { tasks: [task(400, 1000), task(900, 1000)], fixed: { ours: 2048, peerTools: 100, peerSchema: 4096 } };
    const table = renderTokensTable(report);
    expect(table.split('\n').filter((l) => l.startsWith('| T9')).map((l) => l.trim().split('|').at(-2)?.trim())).toEqual(['PASS', 'MISS']);
    expect(tokensSummaryLine(report)).toMatch(/T9 0\.40, T9 0\.90: MISS \(1 of 2\)$/);
    expect(tokensSummaryLine({ ...report, tasks: [task(400, 1000)] })).toMatch(/: PASS$/);
  });
});
