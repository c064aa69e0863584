import { customerTools } from '../domains/customers/customers.tools.js';
import { historyTools } from '../domains/history/history.tools.js';
import { inventoryTools } from '../domains/inventory/inventory.tools.js';
import { productTools } from '../domains/inventory/products.tools.js';
import { orderTools } from '../domains/orders/orders.tools.js';
import { topCustomersTools } from '../domains/orders/top-customers.tools.js';
import type { ToolDefinition } from './define-tool.js';
import { writeTools } from './write-tools.js';

/** Every tool the server offers, in catalog order. Write tools are filtered by role in buildServer. */
export function allTools(): ToolDefinition[] {
  return [...customerTools, ...historyTools, ...orderTools, ...inventoryTools, ...productTools, ...topCustomersTools, ...writeTools];
}
