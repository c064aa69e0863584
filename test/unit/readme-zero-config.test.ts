import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/config.js';
import { embeddedMessages } from '../../src/db/embedded/messages.js';
import { packageRoot } from '../../src/lib/paths.js';

const readme = () => readFile(path.join(packageRoot(), 'README.md'), 'utf8');
const codeLines = (text: string) => [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? '').split('\n'));

describe('README: the zero-config start', () => {
  it('runs commands from a clone with npx supportdesk-mcp or node dist/src/main.js, never a bare supportdesk-mcp', async () => {
    const lines = codeLines(await readme()).map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);
    for (const line of lines) {
      expect(line, line).not.toMatch(/^supportdesk-mcp\b/);
      const command = /(?:npx supportdesk-mcp|node dist\/src\/main\.js)\s+([a-z-]+)/.exec(line)?.[1];
      if (command && !command.startsWith('-')) expect(COMMANDS, line).toContain(command);
    }
  });

  it('gives Inspector lines that run unattended: -y, settings through -e, a release that runs on Node 20', async () => {
    const inspector = codeLines(await readme()).filter((l) => l.includes('@modelcontextprotocol/inspector'));
    expect(inspector.length).toBeGreaterThan(0);
    for (const line of inspector) expect(line).toMatch(/npx -y @modelcontextprotocol\/inspector(@[\d.]+)? --cli -e /);
    expect(inspector.some((l) => l.includes('inspector@0.15.0'))).toBe(true);
  });

  it('lists every message of the embedded start in "When it does not start"', async () => {
    const text = await readme();
    const section = text.slice(text.indexOf('### When it does not start')).replace(/\s+/g, ' ');
    for (const [name, message] of Object.entries(embeddedMessages)) {
      const sample = (message as (...args: unknown[]) => string)('<dir>', '<x>', ['<y>']);
      // The longest stretch between variable parts (up to the fix) names the failure.
      const parts = (sample.split(/: (?:set|run|fix|restore|start|create|reinstall|stop|use|if|move)\b/)[0] ?? '').split(/<dir>|<x>|<y>|\(|\)/);
      const fixed = parts.map((p) => p.trim()).sort((a, b) => b.length - a.length)[0] ?? '';
      expect(fixed.length, name).toBeGreaterThanOrEqual(10);
      expect(section, name).toContain(fixed.slice(0, 50));
    }
  });
});
