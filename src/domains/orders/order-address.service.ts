import type { App } from '../../app.js';
import { runWrite, type WriteOptions, type WriteRequest } from '../../db/transaction.js';
import { cacheTags } from '../../lib/cache.js';
import { ConflictError } from '../../lib/errors.js';
import type { AddressInput } from '../addresses/address-input.js';
import { insertAddress } from '../addresses/addresses.repo.js';
import { operationErrors as errors } from '../operations/operation-errors.js';
import { isPreShipment } from './order-rules.js';
import { lockOrderAddress, readdressOrder } from './order-status.repo.js';

const TOOL = 'change_shipping_address';

/**
 * A new shipping address for an order that has not shipped. Moves no money and can be changed again,
 * so it is one guarded write (expected_version), not a prepared action. The order's old address row
 * stays as it was: addresses are immutable snapshots.
 */
export class OrderAddressService {
  constructor(
    private readonly app: Pick<App, 'db' | 'cache'>,
    private readonly req: WriteRequest,
    private readonly options: WriteOptions = {},
  ) {}

  async change(args: { orderId: string; expectedVersion: number; address: AddressInput }): Promise<{ orderId: string; version: number; addressId: string }> {
    return runWrite(this.app, this.req, { ...this.options, tool: TOOL }, async (w) => {
      const order = await lockOrderAddress(w.trx, args.orderId);
      if (!order) throw errors.orderNotFound(args.orderId);
      await w.reached('locked');
      if (order.version !== args.expectedVersion) throw stale(order.id, args.expectedVersion, order.version);
      if (!isPreShipment(order.status)) throw errors.shipped(order.id, order.status, 'the shipping address can be changed');
      const addressId = await insertAddress(w.trx, order.customer_id, args.address);
      const updated = await readdressOrder(w.trx, order.id, args.expectedVersion, addressId);
      if (!updated) throw stale(order.id, args.expectedVersion, order.version);
      await w.reached('effect');
      await w.audit({ entityType: 'order', entityId: order.id, action: 'address_change', before: { shipping_address_id: order.shipping_address_id }, after: { shipping_address_id: addressId } });
      w.invalidateAfterCommit(cacheTags.order(order.id), cacheTags.customer(order.customer_id));
      return { orderId: order.id, version: updated.version, addressId };
    });
  }
}

function stale(orderId: string, expected: number, current: number): ConflictError {
  return new ConflictError(
    `Order ${orderId} changed since version ${expected}: it is now at version ${current}.`,
    `Check the order with get_order, then call change_shipping_address again with expected_version ${current}.`,
    { current_version: current },
  );
}
