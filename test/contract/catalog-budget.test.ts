import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestClient, type TestClient } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * The tool catalog every conversation pays for: tools/list as a supervisor sees it (every tool, the
 * order operations included) stays within 1.5 KB per tool on average, measured as the JSON the
 * client receives.
 */

const BUDGET_BYTES_PER_TOOL = 1536;

let tdb: TestDatabase;
let app: TestClient;

beforeAll(async () => {
  tdb = await createTestDatabase();
  app = await connectTestClient(tdb, { SUPPORTDESK_ROLE: 'supervisor' });
});

afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

describe('tools/list budget', () => {
  it(`averages at most ${BUDGET_BYTES_PER_TOOL} bytes per tool`, async () => {
    const { tools } = await app.client.listTools();
    const bytes = Buffer.byteLength(JSON.stringify(tools));
    const perTool = tools.map((t) => `${t.name} ${Buffer.byteLength(JSON.stringify(t))}`);
    expect(tools.length).toBeGreaterThanOrEqual(19);
    expect(bytes / tools.length, `${bytes} bytes for ${tools.length} tools:\n${perTool.join('\n')}`).toBeLessThanOrEqual(BUDGET_BYTES_PER_TOOL);
  });

  it('repeats nothing a client does not need: no $schema, no ±2^53 integer bounds, no regex beside a format', async () => {
    const text = JSON.stringify((await app.client.listTools()).tools);
    expect(text).not.toContain('$schema');
    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
    expect(text).not.toMatch(/"format":"[a-z-]+","pattern"|"pattern":"[^"]*","format"/);
    expect(text).toContain('"format":"date-time"');
  });

  it('lists every top-level field of each result, so a model can chain calls', async () => {
    const { tools } = await app.client.listTools();
    const confirm = tools.find((t) => t.name === 'confirm_action');
    const prepare = tools.find((t) => t.name === 'prepare_refund');
    expect(Object.keys(prepare?.outputSchema?.properties ?? {})).toContain('intent_id');
    expect(Object.keys(confirm?.outputSchema?.properties ?? {})).toEqual(expect.arrayContaining(['intent_id', 'replayed', 'order_version']));
  });
});
