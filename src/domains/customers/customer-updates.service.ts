import { isUniqueViolation } from '../../db/pg-errors.js';
import { changedFields, runWrite, type WriteOptions, type WriteRequest } from '../../db/transaction.js';
import type { App } from '../../app.js';
import { cacheTags } from '../../lib/cache.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { toIso } from '../../mcp/common-schemas.js';
import { type CustomerChanges, lockCustomer, readCustomerContact, updateCustomerIfVersion } from './customer-updates.repo.js';

export type CustomerContact = NonNullable<Awaited<ReturnType<typeof lockCustomer>>>;

export interface CustomerUpdateResult {
  customer: CustomerContact;
  /** False when every given field already had the requested value: nothing was written. */
  changed: boolean;
  changedFields: (keyof CustomerChanges)[];
}

const TOOL = 'update_customer';

/**
 * Contact updates with optimistic concurrency: the caller passes the version it read; a write
 * against any other version is refused with the current values, never retried. A request whose
 * values are already in place (same version) is a no-op: no version bump, no audit row.
 */
export class CustomerUpdatesService {
  constructor(
    private readonly app: Pick<App, 'db' | 'cache'>,
    private readonly req: WriteRequest,
    private readonly options: WriteOptions = {},
  ) {}

  async update(args: { customerId: string; expectedVersion: number; changes: CustomerChanges }): Promise<CustomerUpdateResult> {
    try {
      return await runWrite(this.app, this.req, { ...this.options, tool: TOOL }, async (w) => {
        const current = await lockCustomer(w.trx, args.customerId);
        if (!current) throw notFound(args.customerId);
        await w.reached('locked');
        if (current.version !== args.expectedVersion) throw staleVersion(current, args);

        const diff = changedFields(current, args.changes);
        if (diff.keys.length === 0) return { customer: current, changed: false, changedFields: [] };

        const updated = await updateCustomerIfVersion(w.trx, current.id, args.expectedVersion, diff.after as CustomerChanges);
        if (!updated) {
          const now = await readCustomerContact(w.trx, current.id);
          throw now ? staleVersion(now, args) : notFound(args.customerId);
        }
        await w.reached('effect');
        await w.audit({ entityType: 'customer', entityId: current.id, action: 'update', before: diff.before, after: diff.after });
        w.invalidateAfterCommit(cacheTags.customer(current.id), cacheTags.topCustomers);
        return { customer: updated, changed: true, changedFields: diff.keys };
      });
    } catch (err) {
      if (isUniqueViolation(err, 'customers_email_lower_key')) {
        throw new ConflictError(
          'That email is already used by another customer.',
          'Emails are unique regardless of letter case. Look that customer up with get_customer {email} (it may be a duplicate record), or choose another email.',
          { field: 'email' },
        );
      }
      throw err;
    }
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`No customer with id ${id}.`, 'Find the customer with search_customers and use the id it returns.');
}

function staleVersion(current: CustomerContact, args: { expectedVersion: number; changes: CustomerChanges }): ConflictError {
  const alreadyApplied = changedFields(current, args.changes).keys.length === 0;
  return new ConflictError(
    `Customer ${current.id} changed since version ${args.expectedVersion}: it is now at version ${current.version}.` +
      (alreadyApplied ? ' Its current values already match your request.' : ''),
    alreadyApplied
      ? 'Nothing to do: the requested values are in place.'
      : `Review the current values in details; to apply your change on top of them, call update_customer again with expected_version ${current.version}.`,
    {
      current_version: current.version,
      current: contactView(current),
      ...(alreadyApplied ? { already_applied: true } : {}),
    },
  );
}

/** The contact fields as the tools show them (null phone left out). */
export function contactView(c: CustomerContact) {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    ...(c.phone === null ? {} : { phone: c.phone }),
    tier: c.tier,
    status: c.status,
    updated_at: toIso(c.updated_at),
    version: c.version,
  };
}
