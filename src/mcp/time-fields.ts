import { z } from 'zod';
import { dayOrTimestamp } from './common-schemas.js';

/** Time-window input fields shared by listings: since inclusive, until exclusive; a date alone is 00:00 UTC that day. */

export const sinceField = dayOrTimestamp(z.iso.datetime({ offset: true }))
  .optional()
  .describe('Created at or after this time (inclusive), e.g. 2025-01-31 or 2025-01-31T09:00:00Z.');

export const untilField = dayOrTimestamp(z.iso.datetime({ offset: true }))
  .optional()
  .describe('Created before this time (exclusive); not before since.');
