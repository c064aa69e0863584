import { z } from 'zod';

/** A postal address as tools take it (typed by an agent or a customer: stored as given, returned fenced). */
const text = (max: number) => z.string().trim().min(1).max(max);

export const addressInput = z
  .strictObject({
    recipient: text(200).describe('Name on the parcel.'),
    line1: text(200).describe('Street and number.'),
    line2: text(200).optional().describe('Apartment, floor, company.'),
    city: text(100),
    region: text(100).optional().describe('State, province or county.'),
    postal_code: text(20),
    country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'must be a 2-letter country code').describe('ISO 3166-1 alpha-2, e.g. US.'),
  })
  .describe('Postal address.');

export type AddressInput = z.output<typeof addressInput>;
