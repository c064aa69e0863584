import { z } from 'zod';
import { dayOrTimestamp } from './common-schemas.js';

/** Time-window input fields shared by listings: since inclusive, until exclusive; a date alone is 00:00 UTC that day. */

export const sinceField = dayOrTimestamp(z.iso.datetime({ offset: true }))
  .optional()
  .describe('Only records created at or after this ISO 8601 timestamp, e.g. 2025-01-31T00:00:00Z (inclusive).');

export const untilField = dayOrTimestamp(z.iso.datetime({ offset: true }))
  .optional()
  .describe('Only records created before this ISO 8601 timestamp (exclusive). Must not be earlier than since.');
