-- Lookup by name plus postal code. A postal code is compared by its letters and digits only, in one
-- letter case: "sw1a 1aa", "SW1A1AA" and "SW1A-1AA" are one code, and "62704" finds "62704-1234".
-- The folded code is a generated column of addresses (an address row is immutable: a change is a new
-- row, so the key never goes stale), indexed with the customer: a postal code names few customers,
-- and search_customers ranks only those.

CREATE FUNCTION search_postal(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN nullif(lower(regexp_replace(value, '[^0-9A-Za-z]', '', 'g') COLLATE "C"), '');

COMMENT ON FUNCTION search_postal(text) IS
  'Search key of a postal code: its ASCII letters and digits, lower case, nothing else; null when none.';

ALTER TABLE addresses
  ADD COLUMN search_postal text COLLATE "C" GENERATED ALWAYS AS (search_postal(postal_code)) STORED;

COMMENT ON COLUMN addresses.search_postal IS 'postal_code folded by search_postal (generated): what postal code searches compare.';

CREATE INDEX addresses_search_postal_idx ON addresses (search_postal, customer_id);

COMMENT ON INDEX addresses_search_postal_idx IS 'search_customers: the customers with an address at a postal code (or a code starting with the one typed).';
