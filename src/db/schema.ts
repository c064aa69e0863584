import type { ColumnType, Generated, GeneratedAlways, Insertable } from 'kysely';

/** Row types of the tables created by migrations/. Keep in step with the SQL. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type JsonValue = ColumnType<unknown, string | null, string | null>;

export interface CustomersTable {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  default_address_id: string | null;
  tier: 'standard' | 'silver' | 'gold' | 'platinum';
  status: 'active' | 'suspended' | 'closed';
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
  /** search_fold(name), generated (migration 0003). */
  search_name: GeneratedAlways<string>;
  /** search_phone(phone), generated (migration 0003). */
  search_phone: GeneratedAlways<string | null>;
}

/** Kept by triggers on customers (migration 0003): never written by the application. */
export interface CustomerNameWordsTable {
  word: string;
  first_word: boolean;
  search_name: string;
  customer_id: string;
}

export interface NameVocabularyTable {
  word: string;
}

export interface ProductsTable {
  id: string;
  name: string;
  created_at: Timestamp;
}

/** Option name -> value, e.g. { color: 'Black', size: 'M' }. */
export type VariantOptions = Record<string, string>;

export interface VariantsTable {
  sku: string;
  product_id: string;
  name: string;
  options: ColumnType<VariantOptions, string | undefined, string>;
  price_cents: number;
  currency: string;
  stock_on_hand: number;
  updated_at: Timestamp;
}

export interface AddressesTable {
  id: string;
  customer_id: string;
  recipient: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postal_code: string;
  country: string;
  created_at: Timestamp;
  /** search_postal(postal_code), generated (migration 0004). */
  search_postal: GeneratedAlways<string | null>;
}

export type PaymentMethodKind = 'card' | 'paypal' | 'gift_card' | 'legacy';

export interface PaymentMethodsTable {
  id: string;
  customer_id: string;
  kind: PaymentMethodKind;
  brand: 'visa' | 'mastercard' | 'amex' | 'discover' | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  email: string | null;
  balance_cents: number | null;
  currency: string | null;
  status: Generated<'active' | 'removed'>;
  created_at: Timestamp;
}

export interface PaymentTransactionsTable {
  id: string;
  order_id: string;
  payment_method_id: string;
  kind: 'payment' | 'refund';
  amount_cents: number;
  currency: string;
  status: 'pending' | 'completed';
  credited_method_id: string | null;
  refund_id: string | null;
  intent_id: string | null;
  expected_settlement_at: Timestamp | null;
  settled_at: Timestamp | null;
  created_at: Timestamp;
}

export const CARRIERS = ['UPS', 'FedEx', 'USPS', 'DHL', 'Royal Mail', 'La Poste', 'DPD', 'GLS', 'Other'] as const;
export type Carrier = (typeof CARRIERS)[number];

export interface ShipmentsTable {
  id: string;
  order_id: string;
  kind: Generated<'original' | 'replacement'>;
  carrier: Carrier | null;
  tracking_number: string | null;
  shipped_at: Timestamp | null;
  delivered_at: Timestamp | null;
  created_at: Timestamp;
}

export type OrderStatus = 'pending' | 'paid' | 'processing' | 'shipped' | 'delivered' | 'cancelled';

export interface OrdersTable {
  id: string;
  customer_id: string;
  status: OrderStatus;
  currency: string;
  total_cents: number;
  /** Sums of the ledger, maintained by its trigger: never written directly. */
  paid_cents: Generated<number>;
  refunded_cents: Generated<number>;
  shipping_address_id: string | null;
  items_changed_at: Timestamp | null;
  cancel_reason: CancelReason | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export type CancelReason = 'customer_request' | 'out_of_stock' | 'payment_issue' | 'duplicate_order' | 'suspected_fraud' | 'shipping_delay' | 'other';
export type ReturnReason = 'damaged' | 'defective' | 'wrong_item' | 'wrong_size' | 'not_as_described' | 'changed_mind' | 'other';

export interface OrderItemsTable {
  order_id: string;
  line_no: number;
  sku: string;
  quantity: number;
  unit_price_cents: number;
  shipment_id: string | null;
  returned_quantity: Generated<number>;
}

export type RefundReason =
  | 'damaged'
  | 'not_received'
  | 'wrong_item'
  | 'late_delivery'
  | 'not_as_described'
  | 'duplicate_charge'
  | 'goodwill'
  | 'other';

/** Refund reasons of refunds made by an operation rather than by prepare_refund. */
export type OperationRefundReason = 'order_cancelled' | 'returned' | 'price_difference';

export type IntentKind = 'refund' | 'cancel_order' | 'item_change' | 'payment_change' | 'return' | 'exchange';

export interface IntentsTable {
  id: string;
  kind: IntentKind;
  order_id: string;
  order_version: number | null;
  amount_cents: number | null;
  currency: string;
  reason: string | null;
  params: JsonValue;
  plan: JsonValue;
  note: string | null;
  created_by: string;
  created_role: 'agent' | 'supervisor';
  status: Generated<'pending' | 'done' | 'failed'>;
  expires_at: Timestamp;
  created_at: Timestamp;
  confirmed_at: Timestamp | null;
  refund_id: string | null;
  response: JsonValue;
}

export interface RefundsTable {
  id: string;
  order_id: string;
  intent_id: string | null;
  amount_cents: number;
  currency: string;
  reason: RefundReason | OperationRefundReason;
  note: string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface ReturnsTable {
  id: string;
  order_id: string;
  kind: 'return' | 'exchange';
  reason: ReturnReason;
  status: Generated<'requested' | 'received' | 'closed'>;
  intent_id: string | null;
  refund_id: string | null;
  replacement_shipment_id: string | null;
  window_overridden: Generated<boolean>;
  created_by: string;
  created_at: Timestamp;
}

export interface ReturnItemsTable {
  return_id: string;
  order_id: string;
  line_no: number;
  quantity: number;
  sku: string;
  replacement_sku: string | null;
}

export interface InteractionsTable {
  id: string;
  customer_id: string;
  order_id: string | null;
  channel: 'email' | 'phone' | 'chat' | 'note';
  direction: 'inbound' | 'outbound' | 'internal';
  body: string;
  agent: string | null;
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor: string;
  role: string;
  tool: string;
  entity_type: string;
  entity_id: string;
  action: string;
  before: JsonValue;
  after: JsonValue;
  request_id: string;
  at: Timestamp;
}

export interface DB {
  customers: CustomersTable;
  customer_name_words: CustomerNameWordsTable;
  name_vocabulary: NameVocabularyTable;
  products: ProductsTable;
  variants: VariantsTable;
  addresses: AddressesTable;
  payment_methods: PaymentMethodsTable;
  payment_transactions: PaymentTransactionsTable;
  shipments: ShipmentsTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  intents: IntentsTable;
  refunds: RefundsTable;
  returns: ReturnsTable;
  return_items: ReturnItemsTable;
  interactions: InteractionsTable;
  audit_log: AuditLogTable;
}

export type NewAuditRow = Insertable<AuditLogTable>;
