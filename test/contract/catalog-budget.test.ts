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
});
