import { runWrite, type WriteOptions, type WriteRequest } from '../../db/transaction.js';
import type { InteractionsTable } from '../../db/schema.js';
import type { App } from '../../app.js';
import { cacheTags } from '../../lib/cache.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { customerExists, findOrderOwner, insertInteraction } from './interaction-notes.repo.js';

export type NoteChannel = InteractionsTable['channel'];
export type AddedInteraction = Awaited<ReturnType<typeof insertInteraction>>;

const TOOL = 'add_interaction_note';

/**
 * Adds an agent-written entry to a customer's support history: an internal note, or a record of
 * an outbound phone call, email or chat message. Every call adds a new entry (not idempotent).
 */
export class InteractionNotesService {
  constructor(
    private readonly app: Pick<App, 'db' | 'cache'>,
    private readonly req: WriteRequest,
    private readonly options: WriteOptions = {},
  ) {}

  async add(args: { customerId: string; orderId?: string; body: string; channel: NoteChannel }): Promise<AddedInteraction> {
    return runWrite(this.app, this.req, { ...this.options, tool: TOOL }, async (w) => {
      if (!(await customerExists(w.trx, args.customerId))) {
        throw new NotFoundError(`No customer with id ${args.customerId}.`, 'Find the customer with search_customers and use the id it returns.');
      }
      if (args.orderId) {
        const order = await findOrderOwner(w.trx, args.orderId);
        if (!order) throw new NotFoundError(`No order with id ${args.orderId}.`, 'Omit order_id, or take it from list_orders for this customer.');
        if (order.customer_id !== args.customerId) {
          throw new ValidationError(
            `Order ${args.orderId} belongs to another customer, not ${args.customerId}.`,
            'Use an order of this customer (list_orders with this customer_id), or omit order_id.',
            { order_customer_id: order.customer_id },
          );
        }
      }
      const row = await insertInteraction(w.trx, {
        id: newId('interaction'),
        customer_id: args.customerId,
        order_id: args.orderId ?? null,
        channel: args.channel,
        direction: args.channel === 'note' ? 'internal' : 'outbound',
        body: args.body,
        agent: this.req.principal.id,
      });
      await w.reached('effect');
      await w.audit({
        entityType: 'interaction',
        entityId: row.id,
        action: 'note',
        before: null,
        after: { customer_id: row.customer_id, ...(row.order_id ? { order_id: row.order_id } : {}), channel: row.channel, direction: row.direction, body: args.body },
      });
      w.invalidateAfterCommit(cacheTags.customer(args.customerId), ...(args.orderId ? [cacheTags.order(args.orderId)] : []));
      return row;
    });
  }
}
