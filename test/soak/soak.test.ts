import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mulberry32 } from '../../bench/samples.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertCustomer, insertOrder, insertProduct } from '../helpers/fixtures.js';
import { codeOf, type ServerUnderTest, startServer, textOf } from '../fault/harness.js';

/**
 * Soak: 8 clients (over 2 server processes on one database) mix reads and writes for SOAK_SECONDS
 * (default 60): refunds (prepare_refund + confirm_action), order status changes, contact updates and
 * notes, while every server connection is terminated every 10 s. Every request and response is
 * recorded (written to a JSON file); then the database must agree with the answers: every acknowledged
 * write present, nothing present that was answered as failed, refunded_cents the sum of the refunds and
 * within the total, one refund per confirmed intent, audit rows equal to writes, versions to audit rows.
 * Run with `npm run test:soak`; not part of `npm test`.
 */

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CLIENTS = 8;
const SERVERS = 2;
const KILL_EVERY_MS = 10_000;
// Large enough that refunds of 1-9 units never use up a balance within a long run.
const ORDER_TOTAL = 2_000_000;

interface Exchange {
  readonly client: number;
  readonly server: number;
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly at: number;
  ms: number;
  code: string;
  text: string;
  structured?: Record<string, unknown>;
}

let tdb: TestDatabase;
let admin: pg.Pool;
const servers: ServerUnderTest[] = [];
const log: Exchange[] = [];
let crashes = 0;
let kills = 0;

const refundOrders: string[] = [];
const statusOrders: string[] = [];
const customers: string[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 4 });
  admin = new pg.Pool({ connectionString: inject('pgAdminUrl'), max: 2 });
  for (let i = 0; i < 12; i++) customers.push((await insertCustomer(tdb.db, { name: `Soak Customer ${i}` })).id);
  const product = await insertProduct(tdb.db, { price_cents: ORDER_TOTAL });
  for (let i = 0; i < 16; i++) {
    const order = await insertOrder(tdb.db, { customerId: customers[i % customers.length]!, items: [{ sku: product.sku, quantity: 1, unitPriceCents: ORDER_TOTAL }], status: 'delivered' });
    refundOrders.push(order.id);
  }
  for (let i = 0; i < 24; i++) {
    const order = await insertOrder(tdb.db, { customerId: customers[i % customers.length]!, items: [{ sku: product.sku, quantity: 1, unitPriceCents: ORDER_TOTAL }], status: 'pending' });
    statusOrders.push(order.id);
  }
  for (let s = 0; s < SERVERS; s++) {
    const sut = await startServer(tdb.url, { SUPPORTDESK_PRINCIPAL: `soak-${s}`, SUPPORTDESK_ROLE: 'supervisor', SUPPORTDESK_STATEMENT_TIMEOUT_MS: '15000', SUPPORTDESK_LOCK_TIMEOUT_MS: '5000', SUPPORTDESK_POOL_SIZE: '6', SUPPORTDESK_CONNECT_TIMEOUT_MS: '5000' });
    void sut.exited.then(({ code, signal }) => {
      if (code !== 0 || signal !== null) crashes += 1;
    });
    servers.push(sut);
  }
});

afterAll(async () => {
  for (const sut of servers) await sut.stop();
  await admin?.end();
  await tdb?.drop();
});

async function record(client: number, server: number, tool: string, args: Record<string, unknown>): Promise<Exchange> {
  const sut = servers[server]!;
  const entry: Exchange = { client, server, tool, args, at: Date.now(), ms: 0, code: 'PENDING', text: '' };
  log.push(entry);
  const started = performance.now();
  let result: CallToolResult;
  try {
    result = await sut.call(tool, args, 60_000);
  } catch (err) {
    entry.ms = Math.round(performance.now() - started);
    entry.code = 'PROTOCOL_ERROR';
    entry.text = (err as Error).message;
    return entry;
  }
  entry.ms = Math.round(performance.now() - started);
  entry.code = codeOf(result);
  entry.text = textOf(result);
  if (result.structuredContent) entry.structured = result.structuredContent;
  return entry;
}

async function runClient(client: number, until: number): Promise<void> {
  const server = client % SERVERS;
  // A seeded generator: the same run makes the same choices.
  const random = mulberry32(client + 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  let n = 0;
  while (Date.now() < until) {
    n += 1;
    const roll = random();
    if (roll < 0.4) {
      const which = random();
      if (which < 0.4) await record(client, server, 'get_customer', { id: pick(customers) });
      else if (which < 0.7) await record(client, server, 'get_order', { order_id: pick([...refundOrders, ...statusOrders]) });
      else await record(client, server, 'list_orders', { customer_id: pick(customers), limit: 5 });
    } else if (roll < 0.6) {
      const prepared = await record(client, server, 'prepare_refund', { order_id: pick(refundOrders), amount_cents: 100 + Math.floor(random() * 800), reason: 'damaged' });
      const intentId = prepared.code === 'OK' ? (prepared.structured?.intent_id as string) : undefined;
      if (!intentId) continue;
      // confirm_action is exactly-once: a client may repeat it after an unclear answer.
      for (let attempt = 0; attempt < 4; attempt++) {
        const confirmed = await record(client, server, 'confirm_action', { intent_id: intentId });
        if (!['UNAVAILABLE', 'OUTCOME_UNKNOWN', 'BUSY'].includes(confirmed.code)) break;
      }
    } else if (roll < 0.75) {
      const orderId = pick(statusOrders);
      const read = await record(client, server, 'get_order', { order_id: orderId });
      const status = read.structured?.status;
      const next = status === 'pending' ? 'paid' : status === 'paid' ? 'processing' : undefined;
      if (next) await record(client, server, 'update_order_status', { order_id: orderId, status: next });
    } else if (roll < 0.9) {
      const customerId = pick(customers);
      const read = await record(client, server, 'get_customer', { id: customerId });
      const version = read.structured?.version;
      if (typeof version === 'number') await record(client, server, 'update_customer', { customer_id: customerId, expected_version: version, name: `Soak ${client}-${n}` });
    } else {
      await record(client, server, 'add_interaction_note', { customer_id: pick(customers), body: `soak note ${client}-${n}` });
    }
  }
}

async function killConnections(until: number): Promise<void> {
  while (Date.now() + KILL_EVERY_MS < until) {
    await new Promise((r) => setTimeout(r, KILL_EVERY_MS));
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'supportdesk-mcp%'`,
      [tdb.name],
    );
    kills += rows[0]?.n ?? 0;
  }
}

/** Answers after which a write may be in the database. */
const MAYBE_APPLIED = new Set(['OK', 'OUTCOME_UNKNOWN', 'PROTOCOL_ERROR']);

describe('soak', () => {
  it(`${CLIENTS} clients for ${SECONDS} s with connection kills every ${KILL_EVERY_MS / 1000} s: the database agrees with every answer`, { timeout: (SECONDS + 120) * 1000 }, async () => {
    const until = Date.now() + SECONDS * 1000;
    await Promise.all([...Array.from({ length: CLIENTS }, (_, c) => runClient(c, until)), killConnections(until)]);
    const file = path.join(os.tmpdir(), `supportdesk-soak-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(log, null, 1));

    const db = tdb.db;
    const problems: string[] = [];
    const writesOf = (tool: string) => log.filter((e) => e.tool === tool);

    // Notes: each acknowledged one is there; each present one was not answered as failed.
    const noteRows = await db.selectFrom('interactions').select(['id', 'body']).where('agent', 'like', 'soak-%').execute();
    const noteBodies = new Map(noteRows.map((r) => [r.body, r.id]));
    let ackMissing = 0;
    let presentButFailed = 0;
    for (const e of writesOf('add_interaction_note')) {
      const present = noteBodies.has(e.args.body as string);
      if (e.code === 'OK' && !present) ackMissing += 1;
      if (!MAYBE_APPLIED.has(e.code) && present) presentButFailed += 1;
    }
    // Contact updates: every acknowledged value is in the audit trail; a failed one is not; versions line up.
    const updates = await db.selectFrom('audit_log').select(['entity_id', sql<string>`after->>'name'`.as('name')]).where('tool', '=', 'update_customer').execute();
    const updatedNames = new Set(updates.map((u) => `${u.entity_id} ${u.name}`));
    let updatesLost = 0;
    for (const e of writesOf('update_customer')) {
      const key = `${String(e.args.customer_id)} ${String(e.args.name)}`;
      if (e.code === 'OK' && (e.structured?.changed as boolean) && !updatedNames.has(key)) updatesLost += 1;
      if (!MAYBE_APPLIED.has(e.code) && updatedNames.has(key)) presentButFailed += 1;
    }
    // Status changes.
    const statusAudit = await db.selectFrom('audit_log').select(['entity_id', sql<string>`after->>'status'`.as('status')]).where('action', '=', 'status_change').execute();
    const statusKeys = new Set(statusAudit.map((a) => `${a.entity_id} ${a.status}`));
    for (const e of writesOf('update_order_status')) {
      const key = `${String(e.args.order_id)} ${String(e.args.status)}`;
      if (e.code === 'OK' && (e.structured?.changed as boolean) && !statusKeys.has(key)) ackMissing += 1;
    }
    // Refunds: each acknowledged receipt's refund exists; one refund per confirmed intent, none doubled.
    const refunds = await db.selectFrom('refunds').select(['id', 'intent_id', 'order_id', 'amount_cents']).execute();
    const refundIds = new Set(refunds.map((r) => r.id));
    for (const e of writesOf('confirm_action')) {
      const refundId = e.structured?.refund_id as string | undefined;
      if (e.code === 'OK' && (!refundId || !refundIds.has(refundId))) ackMissing += 1;
    }
    const perIntent = new Map<string, number>();
    for (const r of refunds) perIntent.set(r.intent_id ?? 'none', (perIntent.get(r.intent_id ?? 'none') ?? 0) + 1);
    const refundsDoubled = [...perIntent.values()].filter((count) => count > 1).length;
    const doneIntents = await db.selectFrom('intents').select(['id', 'refund_id']).where('status', '=', 'done').where('kind', '=', 'refund').execute();
    for (const intent of doneIntents) if (perIntent.get(intent.id) !== 1) problems.push(`intent ${intent.id} is done with ${perIntent.get(intent.id) ?? 0} refunds`);
    if (perIntent.has('none')) problems.push(`${perIntent.get('none')} refunds without an intent`);
    if (refunds.length !== doneIntents.length) problems.push(`${refunds.length} refunds for ${doneIntents.length} confirmed intents`);
    // Each order: refunded_cents is the sum of its refunds, within its total.
    const orders = await db.selectFrom('orders').select(['id', 'refunded_cents', 'total_cents', 'version']).execute();
    for (const o of orders) {
      const sum = refunds.filter((r) => r.order_id === o.id).reduce((s, r) => s + r.amount_cents, 0);
      if (o.refunded_cents !== sum) problems.push(`order ${o.id}: refunded_cents ${o.refunded_cents} but refunds sum to ${sum}`);
      if (o.refunded_cents > o.total_cents) problems.push(`order ${o.id}: refunded ${o.refunded_cents} over total ${o.total_cents}`);
    }
    // Audit rows equal writes, and versions equal audit rows.
    const audit = await db.selectFrom('audit_log').select(['entity_id', 'action', 'tool']).execute();
    const count = (pred: (a: (typeof audit)[number]) => boolean) => audit.filter(pred).length;
    if (count((a) => a.action === 'note') !== noteRows.length) problems.push(`${count((a) => a.action === 'note')} note audit rows for ${noteRows.length} notes`);
    if (count((a) => a.action === 'refund') !== refunds.length) problems.push(`${count((a) => a.action === 'refund')} refund audit rows for ${refunds.length} refunds`);
    const intents = await db.selectFrom('intents').select('id').execute();
    if (count((a) => a.action === 'prepare') !== intents.length) problems.push(`${count((a) => a.action === 'prepare')} prepare audit rows for ${intents.length} intents`);
    const customerRows = await db.selectFrom('customers').select(['id', 'version']).execute();
    for (const c of customerRows) {
      const rows = count((a) => a.entity_id === c.id && a.action === 'update');
      if (c.version - 1 !== rows) problems.push(`customer ${c.id}: version ${c.version} with ${rows} update audit rows`);
    }
    for (const o of orders) {
      const rows = count((a) => a.entity_id === o.id && (a.action === 'status_change' || a.action === 'refund'));
      if (o.version - 1 !== rows) problems.push(`order ${o.id}: version ${o.version} with ${rows} status/refund audit rows`);
    }

    const byCode = new Map<string, number>();
    for (const e of log) byCode.set(e.code, (byCode.get(e.code) ?? 0) + 1);
    const writes = log.filter((e) => !['get_customer', 'get_order', 'list_orders'].includes(e.tool));
    process.stderr.write(
      [
        '',
        `[soak] ${SECONDS} s, ${CLIENTS} clients on ${SERVERS} servers: ${log.length} requests (${writes.length} writes), ${kills} connections killed; log in ${file}`,
        `[soak] answers: ${[...byCode].map(([c, k]) => `${c} ${k}`).join(', ')}`,
        `[soak] refunds ${refunds.length} (confirmed intents ${doneIntents.length}); refunds doubled ${refundsDoubled}; updates lost ${updatesLost}; acknowledged writes missing ${ackMissing}; failed writes present ${presentButFailed}; crashes ${crashes}`,
        `[soak] slowest answer ${Math.max(...log.map((e) => e.ms))} ms; problems: ${problems.length === 0 ? 'none' : problems.join('; ')}`,
        '',
      ].join('\n'),
    );

    expect(log.some((e) => e.code === 'PENDING'), 'every request answered').toBe(false);
    expect(byCode.get('PROTOCOL_ERROR') ?? 0, 'protocol errors (timeouts, closed connections)').toBe(0);
    expect(byCode.get('INTERNAL') ?? 0, 'INTERNAL answers').toBe(0);
    expect(refundsDoubled).toBe(0);
    expect(updatesLost).toBe(0);
    expect(ackMissing).toBe(0);
    expect(presentButFailed).toBe(0);
    expect(crashes).toBe(0);
    expect(problems).toEqual([]);
    if (SECONDS * 1000 > KILL_EVERY_MS) expect(kills).toBeGreaterThan(0);
    expect(writes.filter((e) => e.code === 'OK').length).toBeGreaterThan(CLIENTS * 5);
    for (const sut of servers) sut.expectPureStdout();
  });
});
