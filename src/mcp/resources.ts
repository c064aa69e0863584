import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { catalogToMarkdown, readCatalog } from '../db/catalog.js';
import { readWithRetry } from '../db/retry.js';
import type { App } from '../app.js';
import { CustomersService } from '../domains/customers/customers.service.js';
import { OrdersService } from '../domains/orders/orders.service.js';
import { newRequestContext, type Principal } from '../request.js';
import { completeCustomerRefs, completeOrderIds } from './completions.js';
import { decodeUriPart, resourceFailure } from './resource-errors.js';
import type { ResourceTable } from './resource-reads.js';
import type { ToolDefinition } from './define-tool.js';
import { toolsToMarkdown } from './tool-docs.js';
import { fenceJson, untrustedFence } from './untrusted.js';

export const RESOURCE_URIS = {
  schema: 'supportdesk://schema',
  toolDocs: 'supportdesk://docs/tools',
  metrics: 'supportdesk://metrics',
  customer: 'supportdesk://customers/{id}',
  order: 'supportdesk://orders/{id}',
} as const;

const json = (uri: string, value: unknown) => ({ contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] });
const markdown = (uri: string, text: string) => ({ contents: [{ uri, mimeType: 'text/markdown', text }] });


/** The logger of one resource read: it carries the caller and a request id (built only when something is logged). */
export function readLog(app: App, principal: Principal, extra: { signal: AbortSignal }, resource: string) {
  return newRequestContext(app.log, principal, extra.signal, { resource }).log;
}

export function registerResources(server: McpServer, app: App, principal: Principal, tools: ToolDefinition[], table: ResourceTable): void {
  table.add(RESOURCE_URIS.schema, server.registerResource(
    'schema',
    RESOURCE_URIS.schema,
    { title: 'Database schema', description: 'Tables, columns, types, keys, indexes and comments, generated from the live catalog.', mimeType: 'text/markdown' },
    async (uri, extra) => {
      const text = await app.cache
        .getOrLoad('resource:schema', [], () => readWithRetry(app, async (db) => catalogToMarkdown(await readCatalog(db))))
        .catch((err: unknown) => {
          throw resourceFailure(err, readLog(app, principal, extra, 'schema'), 'the schema');
        });
      return markdown(uri.href, text);
    },
  ));

  table.add(RESOURCE_URIS.toolDocs, server.registerResource(
    'tool-docs',
    RESOURCE_URIS.toolDocs,
    { title: 'Tool API', description: 'Every tool offered to this principal: descriptions, input and output JSON schemas, annotations.', mimeType: 'text/markdown' },
    async (uri) => markdown(uri.href, toolsToMarkdown(tools)),
  ));

  table.add(RESOURCE_URIS.metrics, server.registerResource(
    'metrics',
    RESOURCE_URIS.metrics,
    {
      title: 'Server metrics',
      description: 'Per-tool calls, errors by code and latency histogram; cache, pool, retry, database-error and HTTP counts; memory. The same registry /metrics serves.',
      mimeType: 'application/json',
    },
    async (uri) => json(uri.href, await app.metrics.snapshot()),
  ));

  table.addTemplate(server.registerResource(
    'customer',
    new ResourceTemplate(RESOURCE_URIS.customer, {
      list: undefined,
      complete: { id: (value) => readWithRetry(app, (db) => completeCustomerRefs(db, value)) },
    }),
    { title: 'Customer', description: 'One customer by id (cust_…) or email, as get_customer returns it.', mimeType: 'application/json' },
    async (uri, { id }, extra) => {
      const ref = decodeUriPart(id, 'customer id or email');
      const customers = new CustomersService(app);
      const customer = await (ref.includes('@') ? customers.get({ email: ref }) : customers.get({ id: ref })).catch((err: unknown) => {
        throw resourceFailure(err, readLog(app, principal, extra, 'customer'), 'the customer');
      });
      return json(uri.href, fenceJson(customer, untrustedFence()));
    },
  ));

  table.addTemplate(server.registerResource(
    'order',
    new ResourceTemplate(RESOURCE_URIS.order, {
      list: undefined,
      complete: { id: (value) => readWithRetry(app, (db) => completeOrderIds(db, value)) },
    }),
    { title: 'Order', description: 'One order with items, refunds and balances, as get_order returns it.', mimeType: 'application/json' },
    async (uri, { id }, extra) => {
      const order = await new OrdersService(app).get(decodeUriPart(id, 'order id')).catch((err: unknown) => {
        throw resourceFailure(err, readLog(app, principal, extra, 'order'), 'the order');
      });
      return json(uri.href, fenceJson(order, untrustedFence()));
    },
  ));
}
