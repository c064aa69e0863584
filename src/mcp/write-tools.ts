import { customerUpdateTools } from '../domains/customers/customer-updates.tools.js';
import { interactionNoteTools } from '../domains/interactions/interaction-notes.tools.js';
import { orderStatusTools } from '../domains/orders/order-status.tools.js';
import { refundTools } from '../domains/refunds/refunds.tools.js';
import type { ToolDefinition } from './define-tool.js';

/** Every write tool (access 'write': hidden from viewers and in read-only mode), in catalog order. */
export const writeTools: ToolDefinition[] = [...customerUpdateTools, ...orderStatusTools, ...refundTools, ...interactionNoteTools];
