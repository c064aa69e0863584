import type pg from 'pg';
import type { Operation } from './measure.js';
import { peerCheckInventory, peerCustomerHistory, peerGetCustomerByEmail, peerGetOrder, peerListOrders, peerSearchCustomers, peerTopCustomers } from './peer.js';
import { type ArgumentPools, pick } from './samples.js';
import {
  floorCheckInventory,
  floorCustomerHistory,
  floorListOrders,
  floorGetCustomerByEmail,
  floorGetOrder,
  floorSearchCustomers,
  floorTopCustomers,
  floorUpdateCustomerPhone,
} from './sql-floor.js';
import type { StdioTarget } from './stdio-target.js';
import { ConfirmService } from '../src/domains/operations/confirm.service.js';
import { PrepareService } from '../src/domains/operations/prepare.service.js';
import { floorApp } from './floor-app.js';
import { type OperationPools, operationsWorkload } from './operations-workload.js';

/**
 * The workloads (W1-W6 with targets, W7-W8 for per-tool figures, W9 the order operations), each as three operations over the same arguments: through our server,
 * through the SQL floor (a plain pg client), and through the peer (absent where the peer cannot
 * do it). An operation's index selects its arguments from the pools.
 */

export interface Workload {
  readonly id: string;
  readonly title: string;
  /** Tools our server must list for the workload to run. */
  readonly requiredTools: readonly string[];
  /** Tool calls per operation on our server (latency and throughput are per operation). */
  readonly callsPerOp: number;
  /** Distinct argument sets before the pool wraps around. */
  readonly distinctArgs: number;
  readonly server: (target: StdioTarget) => Operation;
  readonly floor: (client: pg.ClientBase) => Operation;
  readonly peer?: (target: StdioTarget) => Operation;
}

export const HISTORY_LIMIT = 40;
export const LIST_LIMIT = 20;
export const TOP_CUSTOMERS_ARGS = { days: 90, currency: 'USD', limit: 10 } as const;

const peerQuery = (target: StdioTarget, sql: string) => target.call('query', { sql }).then(() => undefined);

export function buildWorkloads(pools: ArgumentPools, operations: OperationPools, runTag: string): Workload[] {
  return [
    {
      id: 'W1',
      title: 'get_customer by exact email',
      requiredTools: ['get_customer'],
      callsPerOp: 1,
      distinctArgs: pools.emails.length,
      server: (t) => async (i) => void (await t.call('get_customer', { email: pick(pools.emails, i) })),
      floor: (c) => (i) => floorGetCustomerByEmail(c, pick(pools.emails, i)),
      peer: (t) => (i) => peerQuery(t, peerGetCustomerByEmail(pick(pools.emails, i))),
    },
    {
      id: 'W2',
      title: 'search_customers by name fragment',
      requiredTools: ['search_customers'],
      callsPerOp: 1,
      distinctArgs: pools.fragments.length,
      server: (t) => async (i) => void (await t.call('search_customers', { query: pick(pools.fragments, i) })),
      floor: (c) => (i) => floorSearchCustomers(c, pick(pools.fragments, i)),
      peer: (t) => (i) => peerQuery(t, peerSearchCustomers(pick(pools.fragments, i))),
    },
    {
      id: 'W3',
      title: 'get_order',
      requiredTools: ['get_order'],
      callsPerOp: 1,
      distinctArgs: pools.orderIds.length,
      server: (t) => async (i) => void (await t.call('get_order', { order_id: pick(pools.orderIds, i) })),
      floor: (c) => (i) => floorGetOrder(c, pick(pools.orderIds, i)),
      peer: (t) => (i) => peerQuery(t, peerGetOrder(pick(pools.orderIds, i))),
    },
    {
      id: 'W4',
      title: `get_customer_history (limit ${HISTORY_LIMIT})`,
      requiredTools: ['get_customer_history'],
      callsPerOp: 1,
      distinctArgs: pools.customerIds.length,
      server: (t) => async (i) => void (await t.call('get_customer_history', { customer_id: pick(pools.customerIds, i), limit: HISTORY_LIMIT })),
      floor: (c) => (i) => floorCustomerHistory(c, pick(pools.customerIds, i), HISTORY_LIMIT),
      peer: (t) => (i) => peerQuery(t, peerCustomerHistory(pick(pools.customerIds, i), HISTORY_LIMIT)),
    },
    {
      id: 'W5',
      title: `top_customers, same args (cached)`,
      requiredTools: ['top_customers'],
      callsPerOp: 1,
      distinctArgs: 1,
      server: (t) => async () => void (await t.call('top_customers', { days: TOP_CUSTOMERS_ARGS.days, limit: TOP_CUSTOMERS_ARGS.limit })),
      floor: (c) => () => floorTopCustomers(c, TOP_CUSTOMERS_ARGS),
      peer: (t) => () => peerQuery(t, peerTopCustomers(TOP_CUSTOMERS_ARGS)),
    },
    writeMix(pools, runTag),
    {
      id: 'W7',
      title: `list_orders by customer (limit ${LIST_LIMIT})`,
      requiredTools: ['list_orders'],
      callsPerOp: 1,
      distinctArgs: pools.customerIds.length,
      server: (t) => async (i) => void (await t.call('list_orders', { customer_id: pick(pools.customerIds, i), limit: LIST_LIMIT })),
      floor: (c) => (i) => floorListOrders(c, pick(pools.customerIds, i), LIST_LIMIT),
      peer: (t) => (i) => peerQuery(t, peerListOrders(pick(pools.customerIds, i), LIST_LIMIT)),
    },
    {
      id: 'W8',
      title: 'check_inventory by 1-5 SKUs',
      requiredTools: ['check_inventory'],
      callsPerOp: 1,
      distinctArgs: pools.skuGroups.length,
      server: (t) => async (i) => void (await t.call('check_inventory', { skus: pick(pools.skuGroups, i) })),
      floor: (c) => (i) => floorCheckInventory(c, pick(pools.skuGroups, i)),
      peer: (t) => (i) => peerQuery(t, peerCheckInventory(pick(pools.skuGroups, i))),
    },
    operationsWorkload(operations),
  ];
}

/**
 * W6: even operations read a customer's version and update its phone with it; odd ones prepare
 * and confirm a 1-cent refund. Each operation is two tool calls. The peer is read-only: no W6.
 * The refund's floor runs the services in-process (floor-app.ts): its SQL is no longer a fixed script.
 */
function writeMix(pools: ArgumentPools, runTag: string): Workload {
  const phone = (target: string, k: number) => `+1 555 ${runTag} ${target}${k}`;
  return {
    id: 'W6',
    title: 'write mix: get_customer + update_customer, or prepare_refund + confirm_action',
    requiredTools: ['get_customer', 'update_customer', 'prepare_refund', 'confirm_action'],
    callsPerOp: 2,
    distinctArgs: Math.min(pools.writeCustomerIds.length, pools.refundableOrderIds.length) * 2,
    server: (t) => async (i) => {
      const k = i >> 1;
      if (i % 2 === 0) {
        const id = pick(pools.writeCustomerIds, k);
        const read = await t.call('get_customer', { id });
        const version = (read.structuredContent as { version?: unknown } | undefined)?.version;
        if (typeof version !== 'number') throw new Error('get_customer returned no version');
        await t.call('update_customer', { customer_id: id, expected_version: version, phone: phone('s', k) });
      } else {
        const prepared = await t.call('prepare_refund', { order_id: pick(pools.refundableOrderIds, k), amount_cents: 1, reason: 'goodwill' });
        const intentId = (prepared.structuredContent as { intent_id?: unknown } | undefined)?.intent_id;
        if (typeof intentId !== 'string') throw new Error('prepare_refund returned no intent_id');
        await t.call('confirm_action', { intent_id: intentId });
      }
    },
    floor: (c) => {
      const { app, request } = floorApp(c);
      return async (i) => {
        const k = i >> 1;
        if (i % 2 === 0) {
          await floorUpdateCustomerPhone(c, pick(pools.writeCustomerIds, k), phone('f', k), `bench-${runTag}-${i}`);
          return;
        }
        const prepared = await new PrepareService(app, request()).refund({ orderId: pick(pools.refundableOrderIds, k), amount: 1, reason: 'goodwill' });
        await new ConfirmService(app, request()).confirm(prepared.intent_id);
      };
    },
  };
}
