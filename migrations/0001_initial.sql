-- supportdesk-mcp initial data model. Frozen once landed: change the schema in a new file.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE customers (
  id          text        PRIMARY KEY CHECK (id ~ '^cust_[0-9a-z]{6,40}$'),
  name        text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  email       text        NOT NULL CHECK (length(email) <= 320 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  phone       text        CHECK (phone IS NULL OR length(phone) <= 40),
  tier        text        NOT NULL DEFAULT 'standard' CHECK (tier IN ('standard', 'silver', 'gold', 'platinum')),
  status      text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  version     integer     NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE UNIQUE INDEX customers_email_lower_key ON customers (lower(email));
CREATE INDEX customers_name_trgm_idx ON customers USING gin (lower(name) gin_trgm_ops);
CREATE INDEX customers_email_trgm_idx ON customers USING gin (lower(email) gin_trgm_ops);

COMMENT ON TABLE customers IS 'People and companies who buy from us; the subject of every support case.';
COMMENT ON COLUMN customers.id IS 'Public identifier, cust_ prefix.';
COMMENT ON COLUMN customers.name IS 'Display name as the customer gave it (may contain any Unicode).';
COMMENT ON COLUMN customers.email IS 'Contact email; unique regardless of letter case.';
COMMENT ON COLUMN customers.phone IS 'Contact phone in free form, usually E.164; null when unknown.';
COMMENT ON COLUMN customers.tier IS 'Loyalty tier: standard, silver, gold or platinum.';
COMMENT ON COLUMN customers.status IS 'Account status: active, suspended or closed.';
COMMENT ON COLUMN customers.created_at IS 'When the customer record was created.';
COMMENT ON COLUMN customers.updated_at IS 'When the customer record last changed.';
COMMENT ON COLUMN customers.version IS 'Optimistic-concurrency version; incremented by every update.';

CREATE TABLE products (
  sku            text        PRIMARY KEY CHECK (sku ~ '^[A-Z0-9][A-Z0-9-]{2,39}$'),
  name           text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  price_cents    integer     NOT NULL CHECK (price_cents >= 0),
  currency       text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  stock_on_hand  integer     NOT NULL DEFAULT 0 CHECK (stock_on_hand >= 0),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_name_trgm_idx ON products USING gin (lower(name) gin_trgm_ops);

COMMENT ON TABLE products IS 'Catalog of sellable items with current price and stock.';
COMMENT ON COLUMN products.sku IS 'Stock-keeping unit: the product''s public identifier.';
COMMENT ON COLUMN products.name IS 'Product name shown to customers.';
COMMENT ON COLUMN products.price_cents IS 'Current unit price in integer minor units (cents) of currency.';
COMMENT ON COLUMN products.currency IS 'ISO 4217 code of price_cents.';
COMMENT ON COLUMN products.stock_on_hand IS 'Units physically in stock now.';
COMMENT ON COLUMN products.updated_at IS 'When price or stock last changed.';

CREATE TABLE orders (
  id              text        PRIMARY KEY CHECK (id ~ '^ord_[0-9a-z]{6,40}$'),
  customer_id     text        NOT NULL REFERENCES customers (id),
  status          text        NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled')),
  currency        text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  total_cents     bigint      NOT NULL CHECK (total_cents >= 0),
  refunded_cents  bigint      NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  CONSTRAINT orders_refunded_within_total CHECK (refunded_cents >= 0 AND refunded_cents <= total_cents)
);
CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC, id DESC);
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);
CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC, id DESC);

COMMENT ON TABLE orders IS 'Customer purchases; money in integer cents of one currency per order.';
COMMENT ON COLUMN orders.id IS 'Public identifier, ord_ prefix.';
COMMENT ON COLUMN orders.customer_id IS 'The customer who placed the order.';
COMMENT ON COLUMN orders.status IS 'Lifecycle: pending -> paid -> processing -> shipped -> delivered; cancelled before shipping.';
COMMENT ON COLUMN orders.currency IS 'ISO 4217 code for every amount on this order.';
COMMENT ON COLUMN orders.total_cents IS 'Order total in integer cents, items included.';
COMMENT ON COLUMN orders.refunded_cents IS 'Sum of refunds issued so far; never above total_cents.';
COMMENT ON COLUMN orders.created_at IS 'When the order was placed.';
COMMENT ON COLUMN orders.updated_at IS 'When the order last changed.';
COMMENT ON COLUMN orders.version IS 'Optimistic-concurrency version; incremented by every update.';

CREATE TABLE order_items (
  order_id          text    NOT NULL REFERENCES orders (id),
  line_no           integer NOT NULL CHECK (line_no >= 1),
  sku               text    NOT NULL REFERENCES products (sku),
  quantity          integer NOT NULL CHECK (quantity >= 1),
  unit_price_cents  integer NOT NULL CHECK (unit_price_cents >= 0),
  PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_items_sku_idx ON order_items (sku);

COMMENT ON TABLE order_items IS 'Lines of an order: which product, how many, at what price.';
COMMENT ON COLUMN order_items.order_id IS 'The order this line belongs to.';
COMMENT ON COLUMN order_items.line_no IS 'Position of the line in the order, from 1.';
COMMENT ON COLUMN order_items.sku IS 'The product sold on this line.';
COMMENT ON COLUMN order_items.quantity IS 'Units sold.';
COMMENT ON COLUMN order_items.unit_price_cents IS 'Unit price at the time of sale, integer cents of the order currency.';

CREATE TABLE refund_intents (
  id            text        PRIMARY KEY CHECK (id ~ '^rfi_[0-9a-z]{6,40}$'),
  order_id      text        NOT NULL REFERENCES orders (id),
  amount_cents  bigint      NOT NULL CHECK (amount_cents > 0),
  currency      text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason        text        NOT NULL CHECK (reason IN ('damaged', 'not_received', 'wrong_item', 'late_delivery', 'not_as_described', 'duplicate_charge', 'goodwill', 'other')),
  note          text        CHECK (note IS NULL OR length(note) <= 2000),
  created_by    text        NOT NULL,
  created_role  text        NOT NULL CHECK (created_role IN ('agent', 'supervisor')),
  status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  confirmed_at  timestamptz,
  refund_id     text,
  response      jsonb,
  CONSTRAINT refund_intents_done_has_result CHECK (status <> 'done' OR (refund_id IS NOT NULL AND response IS NOT NULL AND confirmed_at IS NOT NULL))
);
CREATE INDEX refund_intents_order_idx ON refund_intents (order_id, created_at DESC);

COMMENT ON TABLE refund_intents IS 'Prepared refunds awaiting confirmation: what makes confirm_refund exactly-once.';
COMMENT ON COLUMN refund_intents.id IS 'Server-generated intent identifier, rfi_ prefix, returned by prepare_refund.';
COMMENT ON COLUMN refund_intents.order_id IS 'The order to refund.';
COMMENT ON COLUMN refund_intents.amount_cents IS 'Amount to refund in integer cents of currency.';
COMMENT ON COLUMN refund_intents.currency IS 'ISO 4217 code; always the order currency.';
COMMENT ON COLUMN refund_intents.reason IS 'Refund reason from a fixed list.';
COMMENT ON COLUMN refund_intents.note IS 'Optional free-text note from the agent.';
COMMENT ON COLUMN refund_intents.created_by IS 'Principal who prepared the refund.';
COMMENT ON COLUMN refund_intents.created_role IS 'Role of that principal when preparing.';
COMMENT ON COLUMN refund_intents.status IS 'pending until confirmed; done once executed; failed when a confirm was refused for good.';
COMMENT ON COLUMN refund_intents.expires_at IS 'After this moment the intent can no longer be confirmed.';
COMMENT ON COLUMN refund_intents.created_at IS 'When the intent was prepared.';
COMMENT ON COLUMN refund_intents.confirmed_at IS 'When the intent was executed.';
COMMENT ON COLUMN refund_intents.refund_id IS 'The refund this intent produced, once done.';
COMMENT ON COLUMN refund_intents.response IS 'The stored confirm_refund result, returned again on repeated confirms.';

CREATE TABLE refunds (
  id            text        PRIMARY KEY CHECK (id ~ '^ref_[0-9a-z]{6,40}$'),
  order_id      text        NOT NULL REFERENCES orders (id),
  intent_id     text        UNIQUE REFERENCES refund_intents (id),
  amount_cents  bigint      NOT NULL CHECK (amount_cents > 0),
  currency      text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason        text        NOT NULL CHECK (reason IN ('damaged', 'not_received', 'wrong_item', 'late_delivery', 'not_as_described', 'duplicate_charge', 'goodwill', 'other')),
  note          text        CHECK (note IS NULL OR length(note) <= 2000),
  created_by    text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_order_idx ON refunds (order_id, created_at DESC);
CREATE INDEX refunds_created_by_idx ON refunds (created_by, created_at DESC);
ALTER TABLE refund_intents ADD CONSTRAINT refund_intents_refund_fk FOREIGN KEY (refund_id) REFERENCES refunds (id);

COMMENT ON TABLE refunds IS 'Money returned to a customer against an order.';
COMMENT ON COLUMN refunds.id IS 'Public identifier, ref_ prefix.';
COMMENT ON COLUMN refunds.order_id IS 'The refunded order.';
COMMENT ON COLUMN refunds.intent_id IS 'The confirmed intent that produced this refund; null for historical refunds.';
COMMENT ON COLUMN refunds.amount_cents IS 'Refunded amount in integer cents of currency.';
COMMENT ON COLUMN refunds.currency IS 'ISO 4217 code; always the order currency.';
COMMENT ON COLUMN refunds.reason IS 'Refund reason from a fixed list.';
COMMENT ON COLUMN refunds.note IS 'Optional free-text note from the agent.';
COMMENT ON COLUMN refunds.created_by IS 'Principal who issued the refund.';
COMMENT ON COLUMN refunds.created_at IS 'When the refund was issued.';

CREATE TABLE interactions (
  id           text        PRIMARY KEY CHECK (id ~ '^int_[0-9a-z]{6,40}$'),
  customer_id  text        NOT NULL REFERENCES customers (id),
  order_id     text        REFERENCES orders (id),
  channel      text        NOT NULL CHECK (channel IN ('email', 'phone', 'chat', 'note')),
  direction    text        NOT NULL CHECK (direction IN ('inbound', 'outbound', 'internal')),
  body         text        NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  agent        text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX interactions_customer_created_idx ON interactions (customer_id, created_at DESC, id DESC);
CREATE INDEX interactions_order_idx ON interactions (order_id) WHERE order_id IS NOT NULL;

COMMENT ON TABLE interactions IS 'Support history: messages from and to the customer and internal agent notes.';
COMMENT ON COLUMN interactions.id IS 'Public identifier, int_ prefix.';
COMMENT ON COLUMN interactions.customer_id IS 'The customer the interaction concerns.';
COMMENT ON COLUMN interactions.order_id IS 'The order it concerns, when there is one.';
COMMENT ON COLUMN interactions.channel IS 'email, phone, chat, or note (internal).';
COMMENT ON COLUMN interactions.direction IS 'inbound (from the customer), outbound (to the customer) or internal.';
COMMENT ON COLUMN interactions.body IS 'Message text. Inbound text is written by customers: untrusted input for a model.';
COMMENT ON COLUMN interactions.agent IS 'Support agent who handled or wrote it; null for unanswered inbound messages.';
COMMENT ON COLUMN interactions.created_at IS 'When it happened.';

CREATE TABLE audit_log (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor        text        NOT NULL,
  role         text        NOT NULL,
  tool         text        NOT NULL,
  entity_type  text        NOT NULL,
  entity_id    text        NOT NULL,
  action       text        NOT NULL,
  before       jsonb,
  after        jsonb,
  request_id   text        NOT NULL,
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_id, at DESC, id DESC);

COMMENT ON TABLE audit_log IS 'One row per write, committed in the same transaction as the write it records.';
COMMENT ON COLUMN audit_log.id IS 'Sequential identifier.';
COMMENT ON COLUMN audit_log.actor IS 'Principal who made the change.';
COMMENT ON COLUMN audit_log.role IS 'Role of the principal at the time.';
COMMENT ON COLUMN audit_log.tool IS 'MCP tool that made the change.';
COMMENT ON COLUMN audit_log.entity_type IS 'Kind of record changed: customer, order, refund, interaction.';
COMMENT ON COLUMN audit_log.entity_id IS 'Identifier of the record changed.';
COMMENT ON COLUMN audit_log.action IS 'What happened, e.g. update, status_change, refund, note.';
COMMENT ON COLUMN audit_log.before IS 'Changed fields before the write; null on creation.';
COMMENT ON COLUMN audit_log.after IS 'Changed fields after the write.';
COMMENT ON COLUMN audit_log.request_id IS 'Request id of the tool call, to join with logs.';
COMMENT ON COLUMN audit_log.at IS 'Commit-time clock of the write.';
