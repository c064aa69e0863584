import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { readWithRetry } from '../../db/retry.js';
import { decodeUriPart, ResourceError, resourceFailure } from '../../mcp/resource-errors.js';
import { readLog } from '../../mcp/resources.js';
import type { Principal } from '../../request.js';
import type { App } from '../../app.js';
import { toIso } from '../../mcp/common-schemas.js';
import { truncate } from '../../lib/text.js';
import type { ResourceTable } from '../../mcp/resource-reads.js';
import { fenceJson, untrustedFence } from '../../mcp/untrusted.js';
import { auditedEntityIds, listAuditByEntity } from './audit.repo.js';

/** The newest entries returned per entity; older ones are left out and flagged. */
export const AUDIT_TRAIL_LIMIT = 100;
/** Longest string value shown from before/after (e.g. a note body). */
const MAX_VALUE_CHARS = 500;
const ENTITY_ID = /^(cust|ord|ref|rfi|int)_[0-9a-z]{6,40}$/;

export interface AuditTrail {
  entity_id: string;
  entries: Record<string, unknown>[];
  /** True when the entity has more than AUDIT_TRAIL_LIMIT entries: only the newest are shown. */
  truncated: boolean;
}

export async function readAuditTrail(app: Pick<App, 'db' | 'metrics'>, entityId: string): Promise<AuditTrail> {
  const rows = await readWithRetry(app, (db) => listAuditByEntity(db, entityId, AUDIT_TRAIL_LIMIT + 1));
  return {
    entity_id: entityId,
    entries: rows.slice(0, AUDIT_TRAIL_LIMIT).map((r) => ({
      id: r.id,
      at: toIso(r.at),
      actor: r.actor,
      role: r.role,
      tool: r.tool,
      action: r.action,
      entity_type: r.entity_type,
      ...(r.before === null ? {} : { before: shortenValues(r.before) }),
      ...(r.after === null ? {} : { after: shortenValues(r.after) }),
      request_id: r.request_id,
    })),
    truncated: rows.length > AUDIT_TRAIL_LIMIT,
  };
}

function shortenValues(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' ? truncate(v, MAX_VALUE_CHARS) : v;
  return out;
}

/**
 * `supportdesk://audit/{entity_id}`: who changed a customer, order or interaction, when, with
 * which tool, and the changed fields before and after. Newest first, at most AUDIT_TRAIL_LIMIT.
 */
export function registerAuditResource(server: McpServer, app: App, principal: Principal, table: ResourceTable): void {
  const template = new ResourceTemplate('supportdesk://audit/{entity_id}', {
    list: undefined,
    complete: {
      entity_id: async (value) => (/^[0-9a-z_]{0,44}$/.test(value) ? auditedEntityIds(app.db, value, 20) : []),
    },
  });
  table.addTemplate(server.registerResource(
    'audit_trail',
    template,
    {
      title: 'Audit trail of a record',
      description:
        `Changes made through this server to one record (cust_…, ord_…, int_… id): actor, role, tool, action, changed fields before/after, ` +
        `request id. JSON, newest first, the latest ${AUDIT_TRAIL_LIMIT} entries (truncated=true when older ones exist). Refunds appear on their order.`,
      mimeType: 'application/json',
    },
    (uri, variables, extra): Promise<ReadResourceResult> =>
      app.inflight.run(async () => {
        const entityId = decodeUriPart(variables.entity_id, 'record id');
        if (!ENTITY_ID.test(entityId)) {
          throw new ResourceError(ErrorCode.InvalidParams, `VALIDATION: not a record id: "${truncate(entityId, 60)}". Use an id like cust_…, ord_… or int_….`, { code: 'VALIDATION' });
        }
        const trail = await readAuditTrail(app, entityId).catch((err: unknown) => {
          throw resourceFailure(err, readLog(app, principal, extra, 'audit_trail'), 'the audit trail');
        });
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(fenceJson(trail, untrustedFence())) }] };
      }),
  ));
}

