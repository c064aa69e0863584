import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/config.js';
import { textOf } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer } from '../helpers/fixtures.js';
import { connectHttp, type InProcessHttp, startInProcessHttp, writeTokenFile } from '../helpers/http.js';
import { errorCode, ok, orderWithTotal } from '../helpers/write-fixtures.js';

/**
 * Eight principals with different roles on one HTTP server at once, hundreds of calls each: every
 * answer, refusal and audit row must belong to the principal whose token made the call. All
 * clients number their JSON-RPC requests from 0, so a server or transport shared between them
 * would cross answers (CVE-2026-25536).
 */

const PRINCIPALS: { id: string; role: Role }[] = [
  { id: 'ann@team.example', role: 'agent' },
  { id: 'bob@team.example', role: 'agent' },
  { id: 'cat@team.example', role: 'agent' },
  { id: 'sue@team.example', role: 'supervisor' },
  { id: 'sam@team.example', role: 'supervisor' },
  { id: 'vic@team.example', role: 'viewer' },
  { id: 'val@team.example', role: 'viewer' },
  { id: 'vin@team.example', role: 'viewer' },
];
const CALLS_EACH = 240;
const WORKERS_EACH = 4;
const PER_REFUND_LIMIT = 1_000;
const WRITE_TOOLS = ['update_customer', 'update_order_status', 'prepare_refund', 'confirm_action', 'add_interaction_note'];

let tdb: TestDatabase;
let http: InProcessHttp;
let tokens: Record<string, string>;
let customerId: string;
let orderId: string;
const clients = new Map<string, Client>();

const call = async (who: string, name: string, args: Record<string, unknown>) =>
  (await (clients.get(who) as Client).callTool({ name, arguments: args })) as CallToolResult;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 12 });
  customerId = (await insertCustomer(tdb.db)).id;
  orderId = (await orderWithTotal(tdb.db, customerId, 10_000_000)).id;
  const tokenFile = await writeTokenFile(PRINCIPALS);
  tokens = tokenFile.tokens;
  http = await startInProcessHttp(tdb, {
    SUPPORTDESK_TOKENS_FILE: tokenFile.file,
    SUPPORTDESK_HTTP_RATE_LIMIT: '0',
    SUPPORTDESK_POOL_SIZE: '12',
    SUPPORTDESK_REFUND_LIMIT_CENTS: String(PER_REFUND_LIMIT),
    SUPPORTDESK_REFUND_DAILY_LIMIT_CENTS: '100000000',
  });
  for (const p of PRINCIPALS) clients.set(p.id, await connectHttp(http.mcpUrl, tokens[p.id], p.id));
});

afterAll(async () => {
  for (const c of clients.values()) await c.close();
  await http?.close();
  await tdb?.drop();
});

/** One call of principal `who`, the n-th: checks the answer is the one this principal's role gets. */
async function oneCall(who: { id: string; role: Role }, n: number): Promise<'note' | 'refused' | 'prepared' | 'read'> {
  const tag = `[${who.id}#${n}]`;
  switch (n % 3) {
    case 0: {
      const r = await call(who.id, 'add_interaction_note', { customer_id: customerId, body: `note ${tag}` });
      if (who.role === 'viewer') {
        expect(textOf(r)).toBe('MCP error -32602: Tool add_interaction_note not found');
        return 'refused';
      }
      expect(ok<{ agent: string }>(r).agent).toBe(who.id);
      return 'note';
    }
    case 1: {
      const r = await call(who.id, 'prepare_refund', { order_id: orderId, amount_cents: PER_REFUND_LIMIT + 1, reason: 'goodwill', note: tag });
      if (who.role === 'supervisor') {
        expect(ok<{ intent_id: string }>(r).intent_id).toMatch(/^itn_/); // the note is checked on the intent rows below
        return 'prepared';
      }
      if (who.role === 'agent') expect(errorCode(r)).toBe('POLICY');
      else expect(textOf(r)).toBe('MCP error -32602: Tool prepare_refund not found');
      return 'refused';
    }
    default: {
      const r = await call(who.id, 'get_customer', { id: customerId });
      expect(ok<{ id: string }>(r).id).toBe(customerId);
      return 'read';
    }
  }
}

describe('roles per request over HTTP', () => {
  it('shows each principal the tools of its own role', async () => {
    const lists = await Promise.all(PRINCIPALS.map(async (p) => ({ p, names: (await (clients.get(p.id) as Client).listTools()).tools.map((t) => t.name) })));
    for (const { p, names } of lists) {
      for (const tool of WRITE_TOOLS) expect(names.includes(tool), `${p.id} ${tool}`).toBe(p.role !== 'viewer');
      expect(names).toContain('get_customer');
    }
    const prompts = await (clients.get('vic@team.example') as Client).listPrompts();
    expect(prompts.prompts.map((p) => p.name)).not.toContain('handle_refund_request');
    const agentPrompts = await (clients.get('ann@team.example') as Client).listPrompts();
    expect(agentPrompts.prompts.map((p) => p.name)).toContain('handle_refund_request');
  });

  it(`keeps ${PRINCIPALS.length} concurrent principals apart over ${CALLS_EACH} calls each`, { timeout: 180_000 }, async () => {
    const outcomes = new Map(PRINCIPALS.map((p) => [p.id, { note: 0, refused: 0, prepared: 0, read: 0 }]));
    await Promise.all(
      PRINCIPALS.flatMap((p) =>
        Array.from({ length: WORKERS_EACH }, async (_, w) => {
          for (let n = w; n < CALLS_EACH; n += WORKERS_EACH) {
            const kind = await oneCall(p, n);
            const counts = outcomes.get(p.id) as Record<string, number>;
            counts[kind] = (counts[kind] ?? 0) + 1;
          }
        }),
      ),
    );

    const third = CALLS_EACH / 3;
    for (const p of PRINCIPALS) {
      const o = outcomes.get(p.id);
      if (p.role === 'viewer') expect(o, p.id).toEqual({ note: 0, refused: 2 * third, prepared: 0, read: third });
      if (p.role === 'agent') expect(o, p.id).toEqual({ note: third, refused: third, prepared: 0, read: third });
      if (p.role === 'supervisor') expect(o, p.id).toEqual({ note: third, refused: 0, prepared: third, read: third });
    }

    // Every audit row names the principal whose call made it: the tag in the note is the caller's.
    const audit = await tdb.db.selectFrom('audit_log').select(['actor', 'role', 'after', 'request_id']).where('tool', '=', 'add_interaction_note').execute();
    const writers = PRINCIPALS.filter((p) => p.role !== 'viewer');
    expect(audit).toHaveLength(writers.length * third);
    for (const row of audit) {
      const body = String((row.after as { body?: unknown }).body);
      expect(body).toContain(`[${row.actor}#`);
      expect(row.role).toBe(PRINCIPALS.find((p) => p.id === row.actor)?.role);
    }
    expect(new Set(audit.map((r) => r.request_id)).size).toBe(audit.length);
    const notes = await tdb.db.selectFrom('interactions').select(['agent', 'body']).where('customer_id', '=', customerId).execute();
    for (const note of notes) expect(note.body).toContain(`[${note.agent}#`);
    const intents = await tdb.db.selectFrom('intents').select(['created_by', 'note']).execute();
    expect(intents).toHaveLength(2 * third);
    for (const intent of intents) expect(intent.note).toContain(`[${intent.created_by}#`);
  });

  it('applies the daily refund limit to each agent separately', async () => {
    // 2,500 a day per agent: two refunds of 1,000 each pass, the third is refused, for each agent on its own.
    const tokenFile = await writeTokenFile(PRINCIPALS.filter((p) => p.role === 'agent'));
    const limited = await startInProcessHttp(tdb, {
      SUPPORTDESK_TOKENS_FILE: tokenFile.file,
      SUPPORTDESK_REFUND_LIMIT_CENTS: String(PER_REFUND_LIMIT),
      SUPPORTDESK_REFUND_DAILY_LIMIT_CENTS: '2500',
    });
    const agents = ['ann@team.example', 'bob@team.example'];
    const connected = await Promise.all(agents.map((id) => connectHttp(limited.mcpUrl, tokenFile.tokens[id], id)));
    try {
      const refundThrice = async (client: Client) => {
        const results: CallToolResult[] = [];
        for (let i = 0; i < 3; i += 1) {
          const order = await orderWithTotal(tdb.db, customerId, 100_000);
          const prepared = (await client.callTool({ name: 'prepare_refund', arguments: { order_id: order.id, amount_cents: PER_REFUND_LIMIT, reason: 'goodwill' } })) as CallToolResult;
          if (prepared.isError) {
            results.push(prepared);
            continue;
          }
          const intentId = ok<{ intent_id: string }>(prepared).intent_id;
          results.push((await client.callTool({ name: 'confirm_action', arguments: { intent_id: intentId } })) as CallToolResult);
        }
        return results;
      };
      const [ann, bob] = await Promise.all(connected.map(refundThrice));
      for (const results of [ann ?? [], bob ?? []]) {
        expect(results.map((r) => errorCode(r) ?? 'ok')).toEqual(['ok', 'ok', 'POLICY']);
        expect(textOf(results[2] as CallToolResult)).toMatch(/daily refund limit/);
      }
      const issued = await tdb.db.selectFrom('refunds').select(['created_by']).select((eb) => eb.fn.sum<number>('amount_cents').as('cents')).groupBy('created_by').execute();
      expect(Object.fromEntries(issued.map((r) => [r.created_by, Number(r.cents)]))).toEqual({ 'ann@team.example': 2000, 'bob@team.example': 2000 });
    } finally {
      for (const c of connected) await c.close();
      await limited.close();
    }
  });
});
