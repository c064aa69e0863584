import type { ColumnType, Generated, GeneratedAlways, Insertable } from 'kysely';

/** Row types of the tables created by migrations/. Keep in step with the SQL. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type JsonValue = ColumnType<unknown, string | null, string | null>;

export interface CustomersTable {
  id: string;
  name: string;
  email: string;
  phone: string | null;
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
  sku: string;
  name: string;
  price_cents: number;
  currency: string;
  stock_on_hand: number;
  updated_at: Timestamp;
}

export type OrderStatus = 'pending' | 'paid' | 'processing' | 'shipped' | 'delivered' | 'cancelled';

export interface OrdersTable {
  id: string;
  customer_id: string;
  status: OrderStatus;
  currency: string;
  total_cents: number;
  refunded_cents: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface OrderItemsTable {
  order_id: string;
  line_no: number;
  sku: string;
  quantity: number;
  unit_price_cents: number;
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

export interface RefundIntentsTable {
  id: string;
  order_id: string;
  amount_cents: number;
  currency: string;
  reason: RefundReason;
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
  reason: RefundReason;
  note: string | null;
  created_by: string;
  created_at: Timestamp;
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
  orders: OrdersTable;
  order_items: OrderItemsTable;
  refund_intents: RefundIntentsTable;
  refunds: RefundsTable;
  interactions: InteractionsTable;
  audit_log: AuditLogTable;
}

export type NewAuditRow = Insertable<AuditLogTable>;
