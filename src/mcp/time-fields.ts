import { z } from 'zod';

/** Time-window input fields shared by listings: since inclusive, until exclusive. */

export const sinceField = z.iso
  .datetime({ offset: true })
  .optional()
  .describe('Created at or after this time (inclusive), e.g. 2025-01-31T00:00:00Z.');

export const untilField = z.iso
  .datetime({ offset: true })
  .optional()
  .describe('Created before this time (exclusive); not before since.');
