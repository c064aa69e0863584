-- supportdesk-mcp: order operations. Products with variants, addresses, payment methods and an order
-- payment ledger, shipments, returns and exchanges, and one table of prepared actions for every kind
-- of operation. Transforms 0001-era data in place; frozen once landed.

-- ---- Reason lists (also in src/lib/refund-reasons.ts and src/domains/orders/order-reasons.ts) --------
-- refund (manual):  damaged not_received wrong_item late_delivery not_as_described duplicate_charge goodwill other
-- refund (by an operation): order_cancelled returned price_difference
-- cancellation:     customer_request out_of_stock payment_issue duplicate_order suspected_fraud shipping_delay other
-- return/exchange:  damaged defective wrong_item wrong_size not_as_described changed_mind other

-- ---- Products become variants of products -------------------------------------------------------

ALTER TABLE products RENAME TO variants;
ALTER INDEX products_pkey RENAME TO variants_pkey;
ALTER INDEX products_name_trgm_idx RENAME TO variants_name_trgm_idx;
ALTER TABLE variants RENAME CONSTRAINT products_sku_check TO variants_sku_check;
ALTER TABLE variants RENAME CONSTRAINT products_name_check TO variants_name_check;
ALTER TABLE variants RENAME CONSTRAINT products_price_cents_check TO variants_price_cents_check;
ALTER TABLE variants RENAME CONSTRAINT products_currency_check TO variants_currency_check;
ALTER TABLE variants RENAME CONSTRAINT products_stock_on_hand_check TO variants_stock_on_hand_check;

CREATE TABLE products (
  id          text        PRIMARY KEY CHECK (id ~ '^prd_[0-9a-z]{6,40}$'),
  name        text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE variants
  ADD COLUMN product_id text,
  ADD COLUMN options jsonb NOT NULL DEFAULT '{}'::jsonb CONSTRAINT variants_options_object CHECK (jsonb_typeof(options) = 'object');

-- Each 0001 product becomes the only variant of a product of the same name.
INSERT INTO products (id, name, created_at)
SELECT 'prd_' || substr(md5(sku), 1, 16), name, updated_at FROM variants;
UPDATE variants SET product_id = 'prd_' || substr(md5(sku), 1, 16);

ALTER TABLE variants
  ALTER COLUMN product_id SET NOT NULL,
  ADD CONSTRAINT variants_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id);
CREATE UNIQUE INDEX variants_product_options_key ON variants (product_id, options);

COMMENT ON TABLE products IS 'What customers think of as one product; the sellable items are its variants.';
COMMENT ON COLUMN products.id IS 'Public identifier, prd_ prefix.';
COMMENT ON COLUMN products.name IS 'Product name without variant options, e.g. "Summit Rain Jacket".';
COMMENT ON COLUMN products.created_at IS 'When the product was created.';

COMMENT ON TABLE variants IS 'Sellable items: one variant of a product (its options, price and stock). Order lines reference variants.';
COMMENT ON COLUMN variants.sku IS 'Stock-keeping unit: the variant''s public identifier.';
COMMENT ON COLUMN variants.name IS 'Display name of the variant, product name and options included.';
COMMENT ON COLUMN variants.price_cents IS 'Current unit price in integer minor units (cents) of currency.';
COMMENT ON COLUMN variants.currency IS 'ISO 4217 code of price_cents.';
COMMENT ON COLUMN variants.stock_on_hand IS 'Units in stock now; orders take units, cancellations and item changes put them back. Never negative.';
COMMENT ON COLUMN variants.updated_at IS 'When price or stock last changed.';
COMMENT ON COLUMN variants.product_id IS 'The product this is a variant of; an item may only be changed or exchanged for another variant of the same product.';
COMMENT ON COLUMN variants.options IS 'What distinguishes this variant, as a JSON object of option name to value, e.g. {"color": "Black", "size": "M"}; {} for a product with one variant. Unique per product.';

-- ---- Addresses ----------------------------------------------------------------------------------

CREATE TABLE addresses (
  id           text        PRIMARY KEY CHECK (id ~ '^adr_[0-9a-z]{6,40}$'),
  customer_id  text        NOT NULL REFERENCES customers (id),
  recipient    text        NOT NULL CHECK (length(btrim(recipient)) BETWEEN 1 AND 200),
  line1        text        NOT NULL CHECK (length(btrim(line1)) BETWEEN 1 AND 200),
  line2        text        CHECK (line2 IS NULL OR length(btrim(line2)) BETWEEN 1 AND 200),
  city         text        NOT NULL CHECK (length(btrim(city)) BETWEEN 1 AND 100),
  region       text        CHECK (region IS NULL OR length(btrim(region)) BETWEEN 1 AND 100),
  postal_code  text        NOT NULL CHECK (length(btrim(postal_code)) BETWEEN 1 AND 20),
  country      text        NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT addresses_id_customer_key UNIQUE (id, customer_id)
);

-- An address row is a value: changing an address inserts a new row and points to it, so an order's
-- snapshot never moves when the customer's default does.
CREATE FUNCTION addresses_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'address % is immutable: insert a new address and point to it', OLD.id
    USING ERRCODE = 'restrict_violation', CONSTRAINT = 'addresses_immutable';
END
$$;
CREATE TRIGGER addresses_immutable BEFORE UPDATE ON addresses FOR EACH ROW EXECUTE FUNCTION addresses_immutable();

ALTER TABLE customers
  ADD COLUMN default_address_id text,
  ADD CONSTRAINT customers_default_address_fk FOREIGN KEY (default_address_id, id) REFERENCES addresses (id, customer_id);

COMMENT ON TABLE addresses IS 'Postal addresses as immutable values: a customer''s default and the shipping snapshot of each order point here. Text typed by customers or agents: untrusted input for a model.';
COMMENT ON COLUMN addresses.id IS 'Public identifier, adr_ prefix.';
COMMENT ON COLUMN addresses.customer_id IS 'The customer the address belongs to.';
COMMENT ON COLUMN addresses.recipient IS 'Name on the parcel.';
COMMENT ON COLUMN addresses.line1 IS 'Street and number.';
COMMENT ON COLUMN addresses.line2 IS 'Apartment, floor, company; null when none.';
COMMENT ON COLUMN addresses.city IS 'City or town.';
COMMENT ON COLUMN addresses.region IS 'State, province or county; null where not used.';
COMMENT ON COLUMN addresses.postal_code IS 'Postal or ZIP code as written.';
COMMENT ON COLUMN addresses.country IS 'ISO 3166-1 alpha-2 country code.';
COMMENT ON COLUMN addresses.created_at IS 'When the address was recorded.';
COMMENT ON COLUMN customers.default_address_id IS 'Default shipping address (an address of this customer); null when none is on file. Changed through update_customer, which bumps version.';

-- ---- Payment methods ----------------------------------------------------------------------------

CREATE TABLE payment_methods (
  id             text        PRIMARY KEY CHECK (id ~ '^pm_[0-9a-z]{6,40}$'),
  customer_id    text        NOT NULL REFERENCES customers (id),
  kind           text        NOT NULL CHECK (kind IN ('card', 'paypal', 'gift_card', 'legacy')),
  brand          text        CHECK (brand IN ('visa', 'mastercard', 'amex', 'discover')),
  last4          text        CHECK (last4 ~ '^[0-9]{4}$'),
  exp_month      smallint    CHECK (exp_month BETWEEN 1 AND 12),
  exp_year       smallint    CHECK (exp_year BETWEEN 2000 AND 2100),
  email          text        CHECK (length(email) <= 320 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  balance_cents  bigint      CONSTRAINT payment_methods_balance_not_negative CHECK (balance_cents >= 0),
  currency       text        CHECK (currency ~ '^[A-Z]{3}$'),
  status         text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payment_methods_fields_match_kind CHECK (CASE kind
    WHEN 'card' THEN brand IS NOT NULL AND last4 IS NOT NULL AND exp_month IS NOT NULL AND exp_year IS NOT NULL
      AND email IS NULL AND balance_cents IS NULL AND currency IS NULL
    WHEN 'paypal' THEN email IS NOT NULL
      AND brand IS NULL AND last4 IS NULL AND exp_month IS NULL AND exp_year IS NULL AND balance_cents IS NULL AND currency IS NULL
    WHEN 'gift_card' THEN last4 IS NOT NULL AND balance_cents IS NOT NULL AND currency IS NOT NULL
      AND brand IS NULL AND exp_month IS NULL AND exp_year IS NULL AND email IS NULL
    ELSE brand IS NULL AND last4 IS NULL AND exp_month IS NULL AND exp_year IS NULL AND email IS NULL
      AND balance_cents IS NULL AND currency IS NULL END)
);
CREATE INDEX payment_methods_customer_idx ON payment_methods (customer_id);

COMMENT ON TABLE payment_methods IS 'How a customer pays: a card, a PayPal account, a gift card with a balance, or the legacy method of payments recorded before methods were tracked.';
COMMENT ON COLUMN payment_methods.id IS 'Public identifier, pm_ prefix.';
COMMENT ON COLUMN payment_methods.customer_id IS 'The customer who owns the method.';
COMMENT ON COLUMN payment_methods.kind IS 'card, paypal, gift_card, or legacy (payments made before payment methods were recorded: refundable like a card, never charged again).';
COMMENT ON COLUMN payment_methods.brand IS 'Card network (cards only).';
COMMENT ON COLUMN payment_methods.last4 IS 'Last 4 digits of the card number or gift card code (cards and gift cards only); the full number is never stored.';
COMMENT ON COLUMN payment_methods.exp_month IS 'Card expiry month 1-12 (cards only).';
COMMENT ON COLUMN payment_methods.exp_year IS 'Card expiry year (cards only).';
COMMENT ON COLUMN payment_methods.email IS 'PayPal account email (PayPal only); shown masked.';
COMMENT ON COLUMN payment_methods.balance_cents IS 'Gift card balance in integer cents of currency (gift cards only); payments draw it down and refunds credit it at once, through the ledger. Never negative.';
COMMENT ON COLUMN payment_methods.currency IS 'ISO 4217 code of the gift card balance (gift cards only); a gift card pays only orders in its currency.';
COMMENT ON COLUMN payment_methods.status IS 'active, or removed (kept for the ledger, never charged again).';
COMMENT ON COLUMN payment_methods.created_at IS 'When the method was added.';

-- ---- Orders: money follows the ledger; address snapshot; once-only item change; cancel reason ------

ALTER TABLE orders
  ADD COLUMN paid_cents bigint NOT NULL DEFAULT 0,
  ADD COLUMN shipping_address_id text,
  ADD COLUMN items_changed_at timestamptz,
  ADD COLUMN cancel_reason text CHECK (cancel_reason IN ('customer_request', 'out_of_stock', 'payment_issue', 'duplicate_order', 'suspected_fraud', 'shipping_delay', 'other')),
  ADD CONSTRAINT orders_shipping_address_fk FOREIGN KEY (shipping_address_id, customer_id) REFERENCES addresses (id, customer_id),
  ADD CONSTRAINT orders_cancel_reason_only_when_cancelled CHECK (cancel_reason IS NULL OR status = 'cancelled');

COMMENT ON COLUMN orders.total_cents IS 'Order total in integer cents: the sum of its lines (item changes and exchanges move it).';
COMMENT ON COLUMN orders.paid_cents IS 'Sum of the payment transactions of the order (maintained by the ledger trigger; never written directly).';
COMMENT ON COLUMN orders.refunded_cents IS 'Sum of the refund transactions of the order (maintained by the ledger trigger; never written directly); never above paid_cents.';
COMMENT ON COLUMN orders.status IS 'Lifecycle: pending -> paid -> processing -> shipped -> delivered; cancelled (with every payment refunded) before shipping.';
COMMENT ON COLUMN orders.shipping_address_id IS 'Snapshot of the shipping address (an immutable address of the order''s customer); null for orders placed before addresses were recorded.';
COMMENT ON COLUMN orders.items_changed_at IS 'When the items were changed to other variants; an order''s items can be changed once, before shipping.';
COMMENT ON COLUMN orders.cancel_reason IS 'Why the order was cancelled, from a fixed list; null unless cancelled (and for cancellations before reasons were recorded).';

-- ---- Order lines, shipments -------------------------------------------------------------------

CREATE TABLE shipments (
  id               text        PRIMARY KEY CHECK (id ~ '^shp_[0-9a-z]{6,40}$'),
  order_id         text        NOT NULL REFERENCES orders (id),
  kind             text        NOT NULL DEFAULT 'original' CHECK (kind IN ('original', 'replacement')),
  carrier          text        CHECK (carrier IN ('UPS', 'FedEx', 'USPS', 'DHL', 'Royal Mail', 'La Poste', 'DPD', 'GLS', 'Other')),
  tracking_number  text        CHECK (tracking_number ~ '^[A-Z0-9]{6,40}$'),
  shipped_at       timestamptz,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT shipments_delivered_after_shipped CHECK (delivered_at IS NULL OR (shipped_at IS NOT NULL AND delivered_at >= shipped_at)),
  CONSTRAINT shipments_tracking_has_carrier CHECK (tracking_number IS NULL OR carrier IS NOT NULL)
);
CREATE INDEX shipments_order_idx ON shipments (order_id);

ALTER TABLE order_items
  ADD COLUMN shipment_id text REFERENCES shipments (id),
  ADD COLUMN returned_quantity integer NOT NULL DEFAULT 0,
  ADD CONSTRAINT order_items_returned_within_quantity CHECK (returned_quantity >= 0 AND returned_quantity <= quantity);

COMMENT ON TABLE order_items IS 'Lines of an order: which variant, how many, at what price, in which shipment, how many returned.';
COMMENT ON COLUMN order_items.sku IS 'The variant sold on this line (changed by an item change or an exchange, to another variant of the same product).';
COMMENT ON COLUMN order_items.shipment_id IS 'The shipment carrying this line (for an exchanged line, the replacement shipment); null until shipped.';
COMMENT ON COLUMN order_items.returned_quantity IS 'Units of this line returned so far; never above quantity.';

COMMENT ON TABLE shipments IS 'Parcels sent for an order: carrier, tracking number, and when they left and arrived.';
COMMENT ON COLUMN shipments.id IS 'Public identifier, shp_ prefix.';
COMMENT ON COLUMN shipments.order_id IS 'The order shipped.';
COMMENT ON COLUMN shipments.kind IS 'original (the order''s items) or replacement (variants sent for an exchange).';
COMMENT ON COLUMN shipments.carrier IS 'Carrier from a fixed list; null when not recorded.';
COMMENT ON COLUMN shipments.tracking_number IS 'Carrier tracking number (upper-case letters and digits); null when not recorded.';
COMMENT ON COLUMN shipments.shipped_at IS 'When the parcel left the warehouse; null while waiting to ship. For 0001-era orders: the last status change.';
COMMENT ON COLUMN shipments.delivered_at IS 'When the parcel was delivered; null until then. Returns are allowed for a window after this moment.';
COMMENT ON COLUMN shipments.created_at IS 'When the shipment was recorded.';

-- ---- Prepared actions: refund_intents becomes intents, one table for every kind ------------------

ALTER TABLE refund_intents RENAME TO intents;
ALTER INDEX refund_intents_pkey RENAME TO intents_pkey;
ALTER INDEX refund_intents_order_idx RENAME TO intents_order_idx;
ALTER TABLE intents RENAME CONSTRAINT refund_intents_refund_fk TO intents_refund_fk;
ALTER TABLE intents RENAME CONSTRAINT refund_intents_order_id_fkey TO intents_order_id_fkey;
ALTER TABLE intents RENAME CONSTRAINT refund_intents_amount_cents_check TO intents_amount_cents_check;
ALTER TABLE intents RENAME CONSTRAINT refund_intents_created_role_check TO intents_created_role_check;
ALTER TABLE intents RENAME CONSTRAINT refund_intents_currency_check TO intents_currency_check;
ALTER TABLE intents RENAME CONSTRAINT refund_intents_note_check TO intents_note_check;
ALTER TABLE intents RENAME CONSTRAINT refund_intents_status_check TO intents_status_check;
ALTER TABLE intents DROP CONSTRAINT refund_intents_done_has_result;
ALTER TABLE intents DROP CONSTRAINT refund_intents_id_check;
ALTER TABLE intents DROP CONSTRAINT refund_intents_reason_check;

ALTER TABLE intents
  ADD COLUMN kind text NOT NULL DEFAULT 'refund'
    CHECK (kind IN ('refund', 'cancel_order', 'item_change', 'payment_change', 'return', 'exchange')),
  ADD COLUMN order_version integer CHECK (order_version >= 1),
  ADD COLUMN params jsonb,
  ADD COLUMN plan jsonb,
  ALTER COLUMN amount_cents DROP NOT NULL,
  ALTER COLUMN reason DROP NOT NULL,
  ADD CONSTRAINT intents_id_check CHECK (id ~ '^(rfi|itn)_[0-9a-z]{6,40}$'),
  ADD CONSTRAINT intents_done_has_response CHECK (status <> 'done' OR (response IS NOT NULL AND confirmed_at IS NOT NULL)),
  ADD CONSTRAINT intents_reason_by_kind CHECK (CASE kind
    WHEN 'refund' THEN amount_cents IS NOT NULL AND reason IN ('damaged', 'not_received', 'wrong_item', 'late_delivery', 'not_as_described', 'duplicate_charge', 'goodwill', 'other')
    WHEN 'cancel_order' THEN reason IN ('customer_request', 'out_of_stock', 'payment_issue', 'duplicate_order', 'suspected_fraud', 'shipping_delay', 'other')
    WHEN 'return' THEN reason IN ('damaged', 'defective', 'wrong_item', 'wrong_size', 'not_as_described', 'changed_mind', 'other')
    WHEN 'exchange' THEN reason IN ('damaged', 'defective', 'wrong_item', 'wrong_size', 'not_as_described', 'changed_mind', 'other')
    ELSE reason IS NULL END),
  ADD CONSTRAINT intents_versioned_unless_refund CHECK (kind = 'refund' OR order_version IS NOT NULL);
ALTER TABLE intents ALTER COLUMN kind DROP DEFAULT;

COMMENT ON TABLE intents IS 'Prepared actions awaiting confirmation (refunds, cancellations, item and payment changes, returns, exchanges): what makes confirm_action exactly-once.';
COMMENT ON COLUMN intents.id IS 'Server-generated intent identifier, itn_ prefix (rfi_ for refunds prepared before 0002), returned by the prepare_* tools.';
COMMENT ON COLUMN intents.kind IS 'What confirming does: refund, cancel_order, item_change, payment_change, return or exchange.';
COMMENT ON COLUMN intents.order_id IS 'The order acted on.';
COMMENT ON COLUMN intents.amount_cents IS 'Money the action refunds, in integer cents of currency (counted against refund limits); null when it refunds nothing.';
COMMENT ON COLUMN intents.currency IS 'ISO 4217 code; always the order currency.';
COMMENT ON COLUMN intents.reason IS 'Reason from the fixed list of the kind (refund, cancellation or return reasons); null for item and payment changes.';
COMMENT ON COLUMN intents.note IS 'Optional free-text note from the agent.';
COMMENT ON COLUMN intents.created_by IS 'Principal who prepared the action; only they can confirm it.';
COMMENT ON COLUMN intents.created_role IS 'Role of that principal when preparing.';
COMMENT ON COLUMN intents.status IS 'pending until confirmed; done once executed; failed when a confirm was refused for good.';
COMMENT ON COLUMN intents.expires_at IS 'After this moment the intent can no longer be confirmed.';
COMMENT ON COLUMN intents.created_at IS 'When the intent was prepared.';
COMMENT ON COLUMN intents.confirmed_at IS 'When the intent was executed.';
COMMENT ON COLUMN intents.refund_id IS 'The refund this action produced, once done; null when it refunded nothing.';
COMMENT ON COLUMN intents.response IS 'The stored confirm result (or the refusal), returned again on repeated confirms.';
COMMENT ON COLUMN intents.order_version IS 'Order version the preview was computed from; confirming fails with CONFLICT once the order has moved on. Null for refunds, which are guarded by the refundable balance instead.';
COMMENT ON COLUMN intents.params IS 'The validated parameters of the prepare call.';
COMMENT ON COLUMN intents.plan IS 'The previewed effects (money per payment method, line changes, stock), executed as shown on confirm.';

-- ---- Refunds: reasons of operations ---------------------------------------------------------------

ALTER TABLE refunds DROP CONSTRAINT refunds_reason_check;
ALTER TABLE refunds ADD CONSTRAINT refunds_reason_check CHECK (reason IN (
  'damaged', 'not_received', 'wrong_item', 'late_delivery', 'not_as_described', 'duplicate_charge', 'goodwill', 'other',
  'order_cancelled', 'returned', 'price_difference'));
COMMENT ON TABLE refunds IS 'Money returned to a customer against an order: manual refunds, cancellations, returns and price differences. Its ledger transactions say which payment methods it went back to.';
COMMENT ON COLUMN refunds.reason IS 'Refund reason from a fixed list; order_cancelled, returned and price_difference come from those operations.';
COMMENT ON COLUMN refunds.intent_id IS 'The confirmed intent that produced this refund; null for historical refunds.';

-- ---- Returns and exchanges -------------------------------------------------------------------------

CREATE TABLE returns (
  id                       text        PRIMARY KEY CHECK (id ~ '^ret_[0-9a-z]{6,40}$'),
  order_id                 text        NOT NULL REFERENCES orders (id),
  kind                     text        NOT NULL CHECK (kind IN ('return', 'exchange')),
  reason                   text        NOT NULL CHECK (reason IN ('damaged', 'defective', 'wrong_item', 'wrong_size', 'not_as_described', 'changed_mind', 'other')),
  status                   text        NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'received', 'closed')),
  intent_id                text        UNIQUE REFERENCES intents (id),
  refund_id                text        REFERENCES refunds (id),
  replacement_shipment_id  text        REFERENCES shipments (id),
  window_overridden        boolean     NOT NULL DEFAULT false,
  created_by               text        NOT NULL,
  created_at               timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT returns_id_order_key UNIQUE (id, order_id),
  CONSTRAINT returns_replacement_only_for_exchanges CHECK (kind = 'exchange' OR replacement_shipment_id IS NULL)
);
CREATE INDEX returns_order_idx ON returns (order_id, created_at);

CREATE TABLE return_items (
  return_id        text    NOT NULL,
  order_id         text    NOT NULL,
  line_no          integer NOT NULL,
  quantity         integer NOT NULL CHECK (quantity >= 1),
  sku              text    NOT NULL REFERENCES variants (sku),
  replacement_sku  text    REFERENCES variants (sku),
  PRIMARY KEY (return_id, line_no),
  CONSTRAINT return_items_return_fk FOREIGN KEY (return_id, order_id) REFERENCES returns (id, order_id),
  CONSTRAINT return_items_line_fk FOREIGN KEY (order_id, line_no) REFERENCES order_items (order_id, line_no)
);

COMMENT ON TABLE returns IS 'Return and exchange requests recorded on an order.';
COMMENT ON COLUMN returns.id IS 'Public identifier, ret_ prefix.';
COMMENT ON COLUMN returns.order_id IS 'The order the items came from.';
COMMENT ON COLUMN returns.kind IS 'return (money back) or exchange (other variants of the same products sent instead).';
COMMENT ON COLUMN returns.reason IS 'Why, from a fixed list.';
COMMENT ON COLUMN returns.status IS 'requested (the customer sends the items back), received, closed.';
COMMENT ON COLUMN returns.intent_id IS 'The confirmed intent that recorded it.';
COMMENT ON COLUMN returns.refund_id IS 'The refund issued for it (returns; exchanges to a cheaper variant); null when none.';
COMMENT ON COLUMN returns.replacement_shipment_id IS 'Exchanges: the shipment carrying the new variants.';
COMMENT ON COLUMN returns.window_overridden IS 'True when a supervisor accepted it after the return window.';
COMMENT ON COLUMN returns.created_by IS 'Principal who confirmed it.';
COMMENT ON COLUMN returns.created_at IS 'When it was recorded.';
COMMENT ON TABLE return_items IS 'Lines of a return or exchange.';
COMMENT ON COLUMN return_items.return_id IS 'The return or exchange.';
COMMENT ON COLUMN return_items.order_id IS 'The order of the line (same as the return''s).';
COMMENT ON COLUMN return_items.line_no IS 'The order line returned or exchanged.';
COMMENT ON COLUMN return_items.quantity IS 'Units returned or exchanged.';
COMMENT ON COLUMN return_items.sku IS 'The variant sent back.';
COMMENT ON COLUMN return_items.replacement_sku IS 'Exchanges: the variant sent instead; null for returns.';

-- ---- The payment ledger ---------------------------------------------------------------------------

CREATE TABLE payment_transactions (
  id                      text        PRIMARY KEY CHECK (id ~ '^txn_[0-9a-z]{6,40}$'),
  order_id                text        NOT NULL REFERENCES orders (id),
  payment_method_id       text        NOT NULL REFERENCES payment_methods (id),
  kind                    text        NOT NULL CHECK (kind IN ('payment', 'refund')),
  amount_cents            bigint      NOT NULL CHECK (amount_cents > 0),
  currency                text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status                  text        NOT NULL CHECK (status IN ('pending', 'completed')),
  credited_method_id      text        REFERENCES payment_methods (id),
  refund_id               text        REFERENCES refunds (id),
  intent_id               text        REFERENCES intents (id),
  expected_settlement_at  timestamptz,
  settled_at              timestamptz,
  created_at              timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payment_transactions_payments_complete CHECK (kind = 'refund' OR (status = 'completed' AND credited_method_id IS NULL AND refund_id IS NULL)),
  CONSTRAINT payment_transactions_settlement CHECK (CASE status
    WHEN 'pending' THEN expected_settlement_at IS NOT NULL AND settled_at IS NULL
    ELSE settled_at IS NOT NULL END)
);
CREATE INDEX payment_transactions_order_idx ON payment_transactions (order_id);

COMMENT ON TABLE payment_transactions IS 'The order payments ledger: every charge and refund per order and payment method. Append-only; orders.paid_cents/refunded_cents and gift card balances follow it (trigger payment_transactions_apply).';
COMMENT ON COLUMN payment_transactions.id IS 'Public identifier, txn_ prefix.';
COMMENT ON COLUMN payment_transactions.order_id IS 'The order paid or refunded.';
COMMENT ON COLUMN payment_transactions.payment_method_id IS 'Payments: the method charged. Refunds: the method whose payment is refunded; per order and method, refunds never exceed payments.';
COMMENT ON COLUMN payment_transactions.kind IS 'payment (money in) or refund (money back).';
COMMENT ON COLUMN payment_transactions.amount_cents IS 'Amount in integer cents of currency; always positive.';
COMMENT ON COLUMN payment_transactions.currency IS 'ISO 4217 code; always the order currency.';
COMMENT ON COLUMN payment_transactions.status IS 'completed, or pending (card and PayPal refunds until the expected settlement). Payments and gift card refunds complete at once.';
COMMENT ON COLUMN payment_transactions.credited_method_id IS 'Refunds only: the method the money goes to when it is not the one refunded (store credit on a gift card); null means back to payment_method_id.';
COMMENT ON COLUMN payment_transactions.refund_id IS 'The refund this transaction belongs to; null for payments and for the refund side of a payment method change.';
COMMENT ON COLUMN payment_transactions.intent_id IS 'The confirmed intent that made it; null for historical transactions.';
COMMENT ON COLUMN payment_transactions.expected_settlement_at IS 'Pending refunds: when the money is expected on the customer''s card or PayPal account.';
COMMENT ON COLUMN payment_transactions.settled_at IS 'When it completed; null while pending.';
COMMENT ON COLUMN payment_transactions.created_at IS 'When it was recorded.';

-- ---- 0001-era data: the legacy payment method, payments consistent with totals and refunds, shipments ----

-- One legacy method per customer with orders: payments recorded before methods were tracked.
INSERT INTO payment_methods (id, customer_id, kind, created_at)
SELECT 'pm_' || substr(md5('legacy:' || c.id), 1, 20), c.id, 'legacy', c.created_at
FROM customers AS c
WHERE EXISTS (SELECT 1 FROM orders AS o WHERE o.customer_id = c.id);

-- Every order was paid in full except cancelled ones, of which only what was refunded is known to be
-- paid (0001 cancellations moved no money). Refunds beyond the refund rows (refunded_cents set without
-- a row) get one balancing refund transaction, so refunded_cents equals the sum of refund transactions.
CREATE TEMPORARY TABLE legacy_money ON COMMIT DROP AS
SELECT o.id, o.customer_id, o.currency, o.created_at,
  greatest(o.refunded_cents, coalesce(r.rows_cents, 0)) AS refunded_cents,
  coalesce(r.rows_cents, 0) AS rows_cents,
  CASE WHEN o.status = 'cancelled' THEN greatest(o.refunded_cents, coalesce(r.rows_cents, 0))
    ELSE greatest(o.total_cents, o.refunded_cents, coalesce(r.rows_cents, 0)) END AS paid_cents
FROM orders AS o
LEFT JOIN (SELECT order_id, sum(amount_cents) AS rows_cents FROM refunds GROUP BY order_id) AS r ON r.order_id = o.id;

INSERT INTO payment_transactions (id, order_id, payment_method_id, kind, amount_cents, currency, status, settled_at, created_at)
SELECT 'txn_' || substr(md5('payment:' || m.id), 1, 20), m.id, 'pm_' || substr(md5('legacy:' || m.customer_id), 1, 20),
  'payment', m.paid_cents, m.currency, 'completed', m.created_at, m.created_at
FROM legacy_money AS m WHERE m.paid_cents > 0;

INSERT INTO payment_transactions (id, order_id, payment_method_id, kind, amount_cents, currency, status, refund_id, settled_at, created_at)
SELECT 'txn_' || substr(md5('refund:' || r.id), 1, 20), r.order_id, 'pm_' || substr(md5('legacy:' || o.customer_id), 1, 20),
  'refund', r.amount_cents, o.currency, 'completed', r.id, r.created_at, r.created_at
FROM refunds AS r JOIN orders AS o ON o.id = r.order_id;

INSERT INTO payment_transactions (id, order_id, payment_method_id, kind, amount_cents, currency, status, settled_at, created_at)
SELECT 'txn_' || substr(md5('unrecorded-refund:' || m.id), 1, 20), m.id, 'pm_' || substr(md5('legacy:' || m.customer_id), 1, 20),
  'refund', m.refunded_cents - m.rows_cents, m.currency, 'completed', o.updated_at, o.updated_at
FROM legacy_money AS m JOIN orders AS o ON o.id = m.id
WHERE m.refunded_cents > m.rows_cents;

UPDATE orders AS o SET paid_cents = m.paid_cents, refunded_cents = m.refunded_cents
FROM legacy_money AS m
WHERE m.id = o.id AND (o.paid_cents, o.refunded_cents) IS DISTINCT FROM (m.paid_cents, m.refunded_cents);

ALTER TABLE orders
  DROP CONSTRAINT orders_refunded_within_total,
  ADD CONSTRAINT orders_refunded_within_paid CHECK (paid_cents >= 0 AND refunded_cents >= 0 AND refunded_cents <= paid_cents);

-- Shipped and delivered 0001 orders: one shipment of every line, timed by the last status change.
INSERT INTO shipments (id, order_id, shipped_at, delivered_at, created_at)
SELECT 'shp_' || substr(md5(id), 1, 20), id, updated_at, CASE WHEN status = 'delivered' THEN updated_at END, updated_at
FROM orders WHERE status IN ('shipped', 'delivered');
UPDATE order_items AS i SET shipment_id = s.id FROM shipments AS s WHERE s.order_id = i.order_id;

-- ---- Ledger invariants -----------------------------------------------------------------------------

-- Applies one ledger row: the order's paid/refunded sums, the per-method bound, and gift card balances.
-- The UPDATE of the order comes first and locks it, so ledger writes on one order are serialized and
-- the per-method sums below see every committed row.
CREATE FUNCTION payment_transactions_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  order_customer text;
  order_currency text;
  charged record;
  credited record;
BEGIN
  UPDATE orders
     SET paid_cents = paid_cents + CASE NEW.kind WHEN 'payment' THEN NEW.amount_cents ELSE 0 END,
         refunded_cents = refunded_cents + CASE NEW.kind WHEN 'refund' THEN NEW.amount_cents ELSE 0 END
   WHERE id = NEW.order_id
   RETURNING customer_id, currency INTO order_customer, order_currency;
  IF order_currency IS DISTINCT FROM NEW.currency THEN
    RAISE EXCEPTION 'transaction % is in %, its order % in %', NEW.id, NEW.currency, NEW.order_id, order_currency
      USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_transactions_order_currency';
  END IF;
  SELECT customer_id, kind, currency INTO charged FROM payment_methods WHERE id = NEW.payment_method_id;
  IF charged.customer_id IS DISTINCT FROM order_customer THEN
    RAISE EXCEPTION 'payment method % is not a method of the customer of order %', NEW.payment_method_id, NEW.order_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_transactions_method_of_customer';
  END IF;

  IF NEW.kind = 'payment' THEN
    IF charged.kind = 'gift_card' THEN
      IF charged.currency IS DISTINCT FROM NEW.currency THEN
        RAISE EXCEPTION 'gift card % holds %, not %', NEW.payment_method_id, charged.currency, NEW.currency
          USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_transactions_gift_card_currency';
      END IF;
      UPDATE payment_methods SET balance_cents = balance_cents - NEW.amount_cents WHERE id = NEW.payment_method_id;
    END IF;
    RETURN NULL;
  END IF;

  IF (SELECT sum(CASE kind WHEN 'refund' THEN amount_cents ELSE -amount_cents END)
        FROM payment_transactions WHERE order_id = NEW.order_id AND payment_method_id = NEW.payment_method_id) > 0 THEN
    RAISE EXCEPTION 'refunds to payment method % on order % would exceed its payments', NEW.payment_method_id, NEW.order_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_transactions_refunds_within_payments';
  END IF;
  SELECT id, customer_id, kind, currency INTO credited FROM payment_methods WHERE id = coalesce(NEW.credited_method_id, NEW.payment_method_id);
  IF credited.customer_id IS DISTINCT FROM order_customer THEN
    RAISE EXCEPTION 'payment method % is not a method of the customer of order %', credited.id, NEW.order_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_transactions_method_of_customer';
  END IF;
  IF NEW.credited_method_id IS NOT NULL AND credited.kind <> 'gift_card' THEN
    RAISE EXCEPTION 'refunds go back to the method paid with, or to a gift card (not %)', credited.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_transactions_credit_to_gift_card';
  END IF;
  IF credited.kind = 'gift_card' THEN
    IF credited.currency IS DISTINCT FROM NEW.currency OR NEW.status <> 'completed' THEN
      RAISE EXCEPTION 'a refund to gift card % must be in % and complete at once', credited.id, credited.currency
        USING ERRCODE = 'check_violation', CONSTRAINT = 'payment_transactions_gift_card_refund';
    END IF;
    UPDATE payment_methods SET balance_cents = balance_cents + NEW.amount_cents WHERE id = credited.id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER payment_transactions_apply AFTER INSERT ON payment_transactions
  FOR EACH ROW EXECUTE FUNCTION payment_transactions_apply();

-- The ledger is append-only: only a pending refund's settlement may change.
CREATE FUNCTION payment_transactions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     OR (NEW.id, NEW.order_id, NEW.payment_method_id, NEW.kind, NEW.amount_cents, NEW.currency, NEW.credited_method_id, NEW.refund_id, NEW.intent_id, NEW.created_at)
        IS DISTINCT FROM (OLD.id, OLD.order_id, OLD.payment_method_id, OLD.kind, OLD.amount_cents, OLD.currency, OLD.credited_method_id, OLD.refund_id, OLD.intent_id, OLD.created_at)
     OR (OLD.status = 'completed' AND NEW.status <> 'completed') THEN
    RAISE EXCEPTION 'the payment ledger is append-only (transaction %)', OLD.id
      USING ERRCODE = 'restrict_violation', CONSTRAINT = 'payment_transactions_append_only';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER payment_transactions_append_only BEFORE UPDATE OR DELETE ON payment_transactions
  FOR EACH ROW EXECUTE FUNCTION payment_transactions_append_only();

-- orders.paid_cents and refunded_cents are written only by payment_transactions_apply (trigger depth 2).
CREATE FUNCTION orders_money_follows_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() < 2 AND (
       (TG_OP = 'INSERT' AND (NEW.paid_cents <> 0 OR NEW.refunded_cents <> 0))
    OR (TG_OP = 'UPDATE' AND (NEW.paid_cents, NEW.refunded_cents) IS DISTINCT FROM (OLD.paid_cents, OLD.refunded_cents))) THEN
    RAISE EXCEPTION 'orders.paid_cents and refunded_cents are sums of the payment ledger: insert into payment_transactions instead'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_money_follows_ledger';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER orders_money_follows_ledger BEFORE INSERT OR UPDATE OF paid_cents, refunded_cents ON orders
  FOR EACH ROW EXECUTE FUNCTION orders_money_follows_ledger();

COMMENT ON COLUMN audit_log.entity_type IS 'Kind of record changed: customer, order, interaction.';
COMMENT ON COLUMN audit_log.action IS 'What happened, e.g. update, status_change, refund, note, prepare, cancel_order, item_change, payment_change, return, exchange, address_change.';
