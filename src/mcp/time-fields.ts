import { z } from 'zod';

/** Time-window input fields shared by listings: since inclusive, until exclusive. */

export const sinceField = z.iso
  .datetime({ offset: true })
  .optional()
  .describe('Only records created at or after this ISO 8601 timestamp, e.g. 2025-01-31T00:00:00Z (inclusive).');

export const untilField = z.iso
  .datetime({ offset: true })
  .optional()
  .describe('Only records created before this ISO 8601 timestamp (exclusive). Must not be earlier than since.');
