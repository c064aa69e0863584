import { checkWindow, cursorScope, decodeTimeKey } from '../../db/keyset.js';
import { readWithRetry } from '../../db/retry.js';
import type { App } from '../../app.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { encodeCursor, takePage } from '../../lib/pagination.js';
import { truncate } from '../../lib/text.js';
import { customerExists } from '../customers/customers.repo.js';
import { fetchHistory, HISTORY_KINDS, type HistoryKind, type HistoryRow } from './history.repo.js';

/** Interaction bodies longer than this are cut, with the truncation marker. */
export const HISTORY_BODY_MAX = 500;

export type HistoryEntry =
  | { kind: 'order'; id: string; created_at: Date; status: string; total_cents: number; currency: string }
  | { kind: 'refund'; id: string; created_at: Date; order_id: string; amount_cents: number; currency: string; reason: string }
  | {
      kind: 'interaction';
      id: string;
      created_at: Date;
      channel: string;
      direction: 'inbound' | 'outbound' | 'internal';
      /** Cut at HISTORY_BODY_MAX characters with the truncation marker. */
      body: string;
      agent: string | null;
      order_id: string | null;
    };

export interface HistoryPage {
  entries: HistoryEntry[];
  hasMore: boolean;
  nextCursor?: string;
}

export interface HistoryRequest {
  customerId: string;
  kinds?: readonly HistoryKind[];
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
}

const isKind = (k: string | undefined): k is HistoryKind => HISTORY_KINDS.includes(k as HistoryKind);

/** Each branch of the history query fills the columns of its kind, so the non-null casts hold. */
function toEntry(r: HistoryRow): HistoryEntry {
  const base = { id: r.id, created_at: r.created_at };
  switch (r.kind) {
    case 'order':
      return { kind: 'order', ...base, status: r.status as string, total_cents: r.amount_cents as number, currency: r.currency as string };
    case 'refund':
      return { kind: 'refund', ...base, order_id: r.order_id as string, amount_cents: r.amount_cents as number, currency: r.currency as string, reason: r.reason as string };
    case 'interaction':
      return {
        kind: 'interaction',
        ...base,
        channel: r.channel as string,
        direction: r.direction as 'inbound' | 'outbound' | 'internal',
        body: truncate(r.body as string, HISTORY_BODY_MAX),
        agent: r.agent,
        order_id: r.order_id,
      };
  }
}

export class HistoryService {
  constructor(private readonly app: Pick<App, 'db' | 'metrics'>) {}

  /** One customer's orders, refunds and interactions, newest first, one page at a time. */
  async timeline(req: HistoryRequest): Promise<HistoryPage> {
    checkWindow(req.since, req.until);
    const kinds = HISTORY_KINDS.filter((k) => !req.kinds || req.kinds.includes(k));
    const scope = cursorScope('get_customer_history', { c: req.customerId, k: kinds, s: req.since ?? null, u: req.until ?? null });
    let after: { ts: string; kind: HistoryKind; id: string } | undefined;
    if (req.cursor) {
      const [ts, kind, id] = decodeTimeKey(scope, req.cursor, 3);
      if (!isKind(kind) || id === undefined) throw new ValidationError('cursor: malformed', 'Omit cursor to start over.');
      after = { ts, kind, id };
    }
    const rows = await readWithRetry(this.app, (db) =>
      fetchHistory(db, {
        customerId: req.customerId,
        kinds,
        ...(req.since !== undefined ? { since: req.since } : {}),
        ...(req.until !== undefined ? { until: req.until } : {}),
        ...(after ? { after } : {}),
        limit: req.limit + 1,
        bodyChars: HISTORY_BODY_MAX + 1,
      }),
    );
    // An empty timeline is ambiguous: say so when the customer itself does not exist.
    if (rows.length === 0 && !(await readWithRetry(this.app, (db) => customerExists(db, req.customerId)))) {
      throw new NotFoundError(
        `No customer with id ${req.customerId}.`,
        'Find the customer with search_customers (by name or email) and use the id it returns.',
      );
    }
    const page = takePage(rows, req.limit);
    const last = page.items.at(-1);
    return {
      entries: page.items.map(toEntry),
      hasMore: page.hasMore,
      ...(page.hasMore && last ? { nextCursor: encodeCursor(scope, [last.cursor_ts, last.kind, last.id]) } : {}),
    };
  }
}
