import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS } from '../../seed/seed.js';
import { connectOverStdio } from '../helpers/server-process.js';

// The zero-config path: no DATABASE_URL, so the server runs its own embedded PostgreSQL.
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'supportdesk-e2e-embedded-'));
});

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function getJane(env: Record<string, string>) {
  const session = await connectOverStdio(env);
  const r = (await session.client.callTool({ name: 'get_customer', arguments: { email: DEMO_CUSTOMERS.jane.email } })) as CallToolResult;
  return { session, result: r, customer: r.structuredContent as { id: string; phone?: string; version: number } };
}

describe('zero-config embedded database', () => {
  it('creates, migrates and seeds on first start, and keeps changes across restarts', { timeout: 120_000 }, async () => {
    // info level: the demo-data line is logged at info.
    const env = { SUPPORTDESK_DATA_DIR: dataDir, SUPPORTDESK_ROLE: 'agent', SUPPORTDESK_LOG_LEVEL: 'info' };
    const first = await getJane(env);
    expect(first.result.isError).toBeFalsy();
    expect(first.session.stderr()).toContain('loading demo data');
    expect(first.customer.id).toBe(DEMO_CUSTOMERS.jane.id);

    const newPhone = `+1555${Date.now().toString().slice(-7)}`;
    const updated = (await first.session.client.callTool({
      name: 'update_customer',
      arguments: { customer_id: first.customer.id, expected_version: first.customer.version, phone: newPhone },
    })) as CallToolResult;
    expect(updated.isError, JSON.stringify(updated.content)).toBeFalsy();
    await first.session.close();
    await waitFor(() => !existsSync(path.join(dataDir, 'pg17', 'postmaster.pid')));

    const second = await getJane(env);
    expect(second.customer.phone).toBe(newPhone);
    expect(second.customer.version).toBe(first.customer.version + 1);
    expect(second.session.stderr()).not.toContain('loading demo data'); // seeded once only
    await second.session.close();
    await waitFor(() => !existsSync(path.join(dataDir, 'pg17', 'postmaster.pid')));
  });
});

async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
