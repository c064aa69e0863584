import type { OrderStatus } from '../../db/schema.js';
import { ConflictError, InvalidStateError, NotFoundError, PolicyError, ValidationError } from '../../lib/errors.js';
import { formatMoney } from '../../lib/money.js';

/** The messages of order operations: what was wrong and how to recover, in one place. */

const FIND_ORDER = 'Find the order with list_orders or get_customer_history and use the id it returns.';

export const operationErrors = {
  orderNotFound: (id: string) => new NotFoundError(`No order with id ${id}.`, FIND_ORDER),

  shipped: (id: string, status: OrderStatus, what: string) =>
    new InvalidStateError(
      `Order ${id} is ${status}: ${what} only before it ships (pending, paid or processing).`,
      status === 'delivered' ? 'For a delivered order use prepare_return or prepare_exchange.' : status === 'shipped' ? 'Wait for delivery, then use prepare_return or prepare_exchange.' : 'Nothing can change on a cancelled order.',
      { order_status: status },
    ),

  notDelivered: (id: string, status: OrderStatus) =>
    new InvalidStateError(`Order ${id} is ${status}: only delivered orders can be returned or exchanged.`, 'Check get_order: allowed_actions lists what applies now.', { order_status: status }),

  itemsAlreadyChanged: (id: string, at: Date) =>
    new InvalidStateError(`The items of order ${id} were already changed (${at.toISOString()}); items can be changed once per order.`, 'Cancel the order and place a new one, or return items after delivery.'),

  nothingPaid: (id: string) => new InvalidStateError(`Order ${id} has no payment left to move.`, 'Nothing to refund or to charge again on this order.'),

  unknownLine: (id: string, lineNo: number) => new ValidationError(`Order ${id} has no line ${lineNo}.`, 'Use the line_no values get_order lists.', { line_no: lineNo }),

  duplicateLine: (lineNo: number) => new ValidationError(`Line ${lineNo} is listed twice.`, 'Name each line once.', { line_no: lineNo }),

  unknownVariant: (sku: string) => new NotFoundError(`No variant with SKU ${sku}.`, 'get_product lists the variants of a product, with their SKUs.', { sku }),

  otherProduct: (lineNo: number, from: string, to: string) =>
    new ValidationError(`Line ${lineNo} (${from}) can only become another variant of the same product; ${to} is a different product.`, 'Pick a SKU from get_product for the line\u2019s product_id.', { line_no: lineNo, sku: to }),

  sameVariant: (lineNo: number, sku: string) => new ValidationError(`Line ${lineNo} is already ${sku}.`, 'Pick a different variant, or leave the line out.', { line_no: lineNo }),

  outOfStock: (sku: string, wanted: number, inStock: number) =>
    new InvalidStateError(`Only ${inStock} unit(s) of ${sku} in stock; ${wanted} needed.`, 'Pick another variant (get_product shows stock), or try later.', { sku, in_stock: inStock, needed: wanted }),

  lineNotDelivered: (lineNo: number) =>
    new InvalidStateError(`Line ${lineNo} has not been delivered (a replacement may still be on its way).`, 'Only delivered lines can be returned or exchanged.', { line_no: lineNo }),

  lineReturned: (lineNo: number) => new InvalidStateError(`Line ${lineNo} has already been returned in full.`, 'Nothing left to return on it.', { line_no: lineNo }),

  partlyReturned: (lineNo: number) => new InvalidStateError(`Line ${lineNo} was partly returned; only whole lines can be exchanged.`, 'Return the remaining units instead.', { line_no: lineNo }),

  tooMany: (lineNo: number, wanted: number, left: number) =>
    new ValidationError(`Line ${lineNo} has ${left} unit(s) left to return, not ${wanted}.`, `Return at most ${left}.`, { line_no: lineNo, returnable: left }),

  windowClosed: (lineNo: number, deadline: Date) =>
    new InvalidStateError(
      `The return window for line ${lineNo} closed at ${deadline.toISOString()}.`,
      'A supervisor can accept it anyway with override_window: true.',
      { line_no: lineNo, return_by: deadline.toISOString() },
    ),

  overrideNeedsSupervisor: () => new PolicyError('Only a supervisor can accept a return or exchange after the return window.', 'Hand the case to a supervisor, or leave override_window out.'),

  methodNotFound: (id: string) => new NotFoundError(`${id} is not a payment method of this order\u2019s customer.`, 'get_customer lists the customer\u2019s payment methods.', { payment_method_id: id }),

  methodUnusable: (id: string, why: string) => new InvalidStateError(`Payment method ${id} cannot be used: ${why}.`, 'Pick another method from get_customer.', { payment_method_id: id }),

  methodRequired: (cents: number, currency: string) =>
    new ValidationError(`The change costs ${formatMoney(cents, currency)} more: say which method pays it.`, 'Pass payment_method_id, one of the customer\u2019s methods (get_customer).', { amount_cents: cents }),

  giftCardShort: (id: string, cents: number, balance: number, currency: string) =>
    new InvalidStateError(
      `Gift card ${id} holds ${formatMoney(balance, currency)}, not the ${formatMoney(cents, currency)} needed.`,
      'Use another method, or a card for the part the gift card does not cover.',
      { payment_method_id: id, balance_cents: balance, needed_cents: cents },
    ),

  refundTargetShort: (id: string, cents: number, paid: number, currency: string) =>
    new InvalidStateError(
      `${id} paid ${formatMoney(paid, currency)} of this order, less than the ${formatMoney(cents, currency)} to refund.`,
      'Leave the method out to refund the original payments, or refund to a gift card.',
      { payment_method_id: id, paid_cents: paid },
    ),

  refundToGiftCardOnly: (id: string) =>
    new ValidationError(`refund_to must be a gift card; ${id} is not.`, 'Leave refund_to out to refund the original payment methods.', { payment_method_id: id }),

  alreadyPaidWith: (id: string) => new InvalidStateError(`The order is already paid with ${id} alone.`, 'Pick another method.', { payment_method_id: id }),

  orderMoved: (orderId: string, intentId: string, prepared: number, now: number) =>
    new ConflictError(
      `Order ${orderId} changed since intent ${intentId} was prepared (version ${prepared}, now ${now}); nothing was done.`,
      'Read the order again with get_order and prepare the action again.',
      { order_id: orderId, prepared_version: prepared, current_version: now },
    ),
};
