import { customerUpdateTools } from '../domains/customers/customer-updates.tools.js';
import { interactionNoteTools } from '../domains/interactions/interaction-notes.tools.js';
import { confirmTools } from '../domains/operations/confirm.tools.js';
import { operationTools } from '../domains/operations/operations.tools.js';
import { orderAddressTools } from '../domains/orders/order-address.tools.js';
import { orderStatusTools } from '../domains/orders/order-status.tools.js';
import { refundTools } from '../domains/refunds/refunds.tools.js';
import type { ToolDefinition } from './define-tool.js';

/** Every write tool (access 'write': hidden from viewers and in read-only mode), in catalog order. */
export const writeTools: ToolDefinition[] = [
  ...customerUpdateTools,
  ...orderStatusTools,
  ...orderAddressTools,
  ...refundTools,
  ...operationTools,
  ...confirmTools,
  ...interactionNoteTools,
];
