import { z } from 'zod';
import type { ToolDefinition } from './define-tool.js';

/** The tool API rendered from the registered definitions themselves, so the docs cannot drift. */
export function toolsToMarkdown(tools: ToolDefinition[]): string {
  const out = ['# supportdesk-mcp tool API', '', `${tools.length} tools. Generated from the registered tool definitions.`, ''];
  out.push('| tool | title | read-only | destructive | idempotent |', '| --- | --- | --- | --- | --- |');
  for (const t of tools) {
    const a = t.annotations;
    out.push(`| \`${t.name}\` | ${t.title} | ${a.readOnlyHint} | ${a.destructiveHint} | ${a.idempotentHint} |`);
  }
  out.push('');
  for (const t of tools) {
    out.push(
      `## ${t.name}: ${t.title}`,
      '',
      t.description,
      '',
      `Annotations: readOnlyHint=${t.annotations.readOnlyHint}, destructiveHint=${t.annotations.destructiveHint}, ` +
        `idempotentHint=${t.annotations.idempotentHint}, openWorldHint=false`,
      '',
      'Input schema:',
      '```json',
      JSON.stringify(z.toJSONSchema(t.input, { io: 'input', unrepresentable: 'any' }), null, 2),
      '```',
      '',
      'Output schema:',
      '```json',
      JSON.stringify(z.toJSONSchema(t.output, { io: 'output', unrepresentable: 'any' }), null, 2),
      '```',
      '',
    );
  }
  return out.join('\n');
}
