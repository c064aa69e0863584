/**
 * What search_customers ranks and how it reads a query. The folding itself (accents, case,
 * apostrophes, spacing, phone digits) lives in SQL (search_fold, search_phone in migration 0003),
 * so that stored keys and query keys come from one definition.
 */

/** Why a customer matched, best first. */
export const SEARCH_MATCHES = ['email', 'phone', 'name', 'name_prefix', 'word_prefix', 'fragment', 'email_fragment'] as const;
export type SearchMatch = (typeof SEARCH_MATCHES)[number];

/**
 * Rank of each match kind: results are ordered by rank, then folded name, then id. An exact
 * email and an exact phone share the top rank.
 */
export const MATCH_RANK: Readonly<Record<SearchMatch, number>> = {
  email: 0,
  phone: 0,
  name: 1,
  name_prefix: 2,
  word_prefix: 3,
  fragment: 4,
  email_fragment: 5,
};

export const LAST_RANK = MATCH_RANK.email_fragment;

/** At most this many vocabulary words are read per query; more fall back to walking the name index. */
export const MAX_MATCHING_WORDS = 64;

/** A phone number needs this many digits to be searched as one. */
export const MIN_PHONE_DIGITS = 7;

export interface QueryShape {
  /** Has an @: compared with emails exactly (and as a fragment). */
  readonly emailLike: boolean;
  /** A whole address (local@domain.tld): a miss earns "did you mean" suggestions. */
  readonly fullEmail: boolean;
  /** Only digits and phone punctuation, with enough digits: compared with phone numbers. */
  readonly phoneLike: boolean;
  /** Could be part of a name: anything but a phone number. */
  readonly nameFragment: boolean;
  /** Has no whitespace and is no phone number: could be part of an email. */
  readonly emailFragment: boolean;
}

export function queryShape(query: string): QueryShape {
  const digits = query.replace(/\D/g, '').length;
  const phoneLike = /^\+?[\d\s().\-/]+$/.test(query) && digits >= MIN_PHONE_DIGITS;
  return {
    emailLike: query.includes('@'),
    fullEmail: /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(query),
    phoneLike,
    nameFragment: !phoneLike,
    emailFragment: !phoneLike && !/\s/.test(query),
  };
}
