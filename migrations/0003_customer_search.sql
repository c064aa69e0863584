-- Customer search that forgives how people type. Names are folded (accents, letter case in every
-- script, apostrophes, dashes, spacing) and phone numbers reduced to digits, into generated
-- columns. Indexes on them, and a word index kept by triggers, let search_customers fetch the
-- first page of each match group in name order without reading every match.
-- The folding never depends on the database's locale (lc_ctype C folds only ASCII in lower()).

CREATE EXTENSION IF NOT EXISTS unaccent;

-- search_fold and its two steps: SQL functions that PostgreSQL inlines into one expression, since
-- none is STRICT and none calls a STABLE function (unaccent() is STABLE; ts_lexize() with the
-- unaccent dictionary, bound here once by name, is not). ASCII text skips unaccent and the long
-- translate(), which is the slow part. The stored keys depend on unaccent.rules: should a major
-- upgrade change that file, re-fold them with UPDATE customers SET name = name.

CREATE FUNCTION search_fold_ascii(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN btrim(regexp_replace(lower(translate(value, E'\t\n\r\u000b\f-''`', '      ') COLLATE "C"), ' {2,}', ' ', 'g'));

COMMENT ON FUNCTION search_fold_ascii(text) IS
  'Last step of search_fold: ASCII letters to lower case, dashes and runs of spaces to one space, apostrophes removed, trimmed.';

CREATE FUNCTION search_fold_letters(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN octet_length(value) = char_length(value) THEN value ELSE translate(value,
    -- Upper-case letters that unaccent leaves (Greek, Cyrillic, Armenian, rare Latin) to lower case;
    -- the final sigma to sigma; the iota that unaccent leaves while it maps its capital to I.
    'ɩƄƆƎƏƔƜƟƦƧƩƱƷƸƼǢǮǷǼǾȜȠȢɁɅɊͰͲͶͿΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩϏϘϚϜϞϠϢϤϦϨϪϬϮϴϷϹϺϽϾϿЀЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯѠѢѤѦѨѪѬѮѰѲѴѶѸѺѼѾҀҊҌҎҐҒҔҖҘҚҜҞҠҢҤҦҨҪҬҮҰҲҴҶҸҺҼҾӀӁӃӅӇӉӋӍӐӒӔӖӘӚӜӞӠӢӤӦӨӪӬӮӰӲӴӶӸӺӼӾԀԂԄԆԈԊԌԎԐԒԔԖԘԚԜԞԠԢԤԦԨԪԬԮԱԲԳԴԵԶԷԸԹԺԻԼԽԾԿՀՁՂՃՄՅՆՇՈՉՊՋՌՍՎՏՐՑՒՓՔՕՖΆΈΉΊΎΌΏς'
    -- Unicode spaces and dashes.
    || E'\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u2010\u2011\u2012\u2013\u2014\u2015\u2212'
    -- Apostrophes, primes and spacing accents (no counterpart below: removed).
    || E'\u00b4\u02b9\u02bb\u02bc\u02bd\u2018\u2019\u201b\u2032\uff07',
    'iƅɔǝəɣɯɵrƨʃʊʒƹƽǣǯƿǽǿȝnȣɂʌɋͱͳͷϳαβγδεζηθικλμνξοπρστυφχψωϗϙϛϝϟϡϣϥϧϩϫϭϯθϸϲϻͻͼͽѐђѓєѕіїјљњћќѝўџабвгдежзийклмнопрстуфхцчшщъыьэюяѡѣѥѧѩѫѭѯѱѳѵѷѹѻѽѿҁҋҍҏґғҕҗҙқҝҟҡңҥҧҩҫҭүұҳҵҷҹһҽҿӏӂӄӆӈӊӌӎӑӓӕӗәӛӝӟӡӣӥӧөӫӭӯӱӳӵӷӹӻӽӿԁԃԅԇԉԋԍԏԑԓԕԗԙԛԝԟԡԣԥԧԩԫԭԯաբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆαεηιυοωσ'
    || repeat(' ', 25))
  END;

COMMENT ON FUNCTION search_fold_letters(text) IS
  'Step of search_fold for text still non-ASCII after unaccent: letters of every script to lower case whatever the locale, Unicode spaces and dashes to a space, apostrophes removed.';

CREATE FUNCTION search_fold(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN search_fold_ascii(CASE WHEN octet_length(value) = char_length(value) THEN value
  ELSE search_fold_letters(coalesce((ts_lexize('unaccent'::regdictionary, value))[1], value)) END);

COMMENT ON FUNCTION search_fold(text) IS
  'Search key of a name or email: accents removed, lower case in every script whatever the locale, apostrophes removed, dashes and spaces collapsed to one space.';

-- Digits without leading zeros and without a "(0)" trunk prefix: "+44 (0)20 7946 0123",
-- "0044 20 7946 0123" and "(020) 7946-0123" give 442079460123, 442079460123 and 2079460123.
-- A number written with its country code (+ or 00) gives its E.164 digits; one written
-- nationally, its national number without the trunk zero. Two keys of one number are therefore
-- equal, or differ by a 1-3 digit country code in front.
CREATE FUNCTION search_phone(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN nullif(ltrim(regexp_replace(value, '\(0\)|[^0-9]', '', 'g'), '0'), '');

COMMENT ON FUNCTION search_phone(text) IS
  'Search key of a phone number in any format: its digits without leading zeros (E.164 digits when written with a country code).';

ALTER TABLE customers
  ADD COLUMN search_name text COLLATE "C" GENERATED ALWAYS AS (search_fold(name)) STORED,
  ADD COLUMN search_phone text COLLATE "C" GENERATED ALWAYS AS (search_phone(phone)) STORED;

COMMENT ON COLUMN customers.search_name IS 'name folded by search_fold (generated): what name searches compare, and their sort order.';
COMMENT ON COLUMN customers.search_phone IS 'phone folded by search_phone (generated): the digits phone searches compare; null without a phone.';

-- email is included so that a walk in name order can test email fragments without the table.
CREATE INDEX customers_search_name_idx ON customers (search_name, id) INCLUDE (email);
CREATE INDEX customers_search_name_trgm_idx ON customers USING gin (search_name gin_trgm_ops);
CREATE INDEX customers_search_phone_idx ON customers (search_phone);
CREATE INDEX customers_search_phone_reverse_idx ON customers (reverse(search_phone));
DROP INDEX customers_name_trgm_idx;

COMMENT ON INDEX customers_search_name_idx IS 'search_customers: exact and prefix name matches; other groups in name order when their words are too many.';
COMMENT ON INDEX customers_search_name_trgm_idx IS 'search_customers: name fragments that few customers match, when they span words.';
COMMENT ON INDEX customers_search_phone_idx IS 'search_customers: phone numbers with the same digits, or stored without the country code typed.';
COMMENT ON INDEX customers_search_phone_reverse_idx IS 'search_customers: phone numbers typed without the country code they are stored with.';

-- The word index. A fragment usually lies inside one word of a name, and names share few distinct
-- words: the vocabulary says which words contain the fragment, and customer_name_words lists the
-- customers of each word in name order, so the first page of a word or fragment match reads a
-- few index entries per matching word however many customers match.

CREATE TABLE customer_name_words (
  word         text    COLLATE "C" NOT NULL,
  first_word   boolean NOT NULL,
  search_name  text    COLLATE "C" NOT NULL,
  customer_id  text    NOT NULL,
  PRIMARY KEY (word, first_word, search_name, customer_id)
);

COMMENT ON TABLE customer_name_words IS 'One row per word of each customer''s folded name, kept by triggers on customers: the customers of a word in name order.';
COMMENT ON COLUMN customer_name_words.word IS 'One space-separated word of customers.search_name.';
COMMENT ON COLUMN customer_name_words.first_word IS 'True when the word starts the name.';
COMMENT ON COLUMN customer_name_words.search_name IS 'The customer''s search_name: the sort order within a word.';
COMMENT ON COLUMN customer_name_words.customer_id IS 'The customer (customers.id) whose name has the word.';

CREATE TABLE name_vocabulary (
  word text COLLATE "C" PRIMARY KEY
);
CREATE INDEX name_vocabulary_trgm_idx ON name_vocabulary USING gin (word gin_trgm_ops);

COMMENT ON TABLE name_vocabulary IS 'Every word that has appeared in a folded customer name (never pruned: a word no customer has left matches nobody).';
COMMENT ON COLUMN name_vocabulary.word IS 'A word of some customers.search_name.';
COMMENT ON INDEX name_vocabulary_trgm_idx IS 'search_customers: the words that contain a fragment.';

CREATE FUNCTION customer_name_words_sync() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    TRUNCATE customer_name_words;
    RETURN NULL;
  END IF;
  -- Deletes name every key column, so each row is one primary key lookup.
  IF TG_OP = 'DELETE' THEN
    DELETE FROM customer_name_words AS cw
     USING old_rows AS o, unnest(string_to_array(o.search_name, ' ')) WITH ORDINALITY AS w (word, n)
     WHERE cw.word = w.word AND cw.first_word = (w.n = 1) AND cw.search_name = o.search_name AND cw.customer_id = o.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM customer_name_words AS cw
     USING unnest(string_to_array(OLD.search_name, ' ')) WITH ORDINALITY AS w (word, n)
     WHERE cw.word = w.word AND cw.first_word = (w.n = 1) AND cw.search_name = OLD.search_name AND cw.customer_id = OLD.id;
    INSERT INTO customer_name_words (word, first_word, search_name, customer_id)
    SELECT DISTINCT w.word, w.n = 1, NEW.search_name, NEW.id
      FROM unnest(string_to_array(NEW.search_name, ' ')) WITH ORDINALITY AS w (word, n);
    INSERT INTO name_vocabulary (word)
    SELECT DISTINCT word FROM unnest(string_to_array(NEW.search_name, ' ')) AS word ORDER BY word
    ON CONFLICT DO NOTHING;
    RETURN NULL;
  END IF;
  -- In key order: a bulk insert (the seed's) then appends to the index instead of writing all over it.
  INSERT INTO customer_name_words (word, first_word, search_name, customer_id)
  SELECT DISTINCT w.word, w.n = 1, c.search_name, c.id
    FROM new_rows AS c, unnest(string_to_array(c.search_name, ' ')) WITH ORDINALITY AS w (word, n)
   ORDER BY 1, 2, 3, 4;
  -- New words in one order everywhere: concurrent inserts of the same new words wait, never deadlock.
  INSERT INTO name_vocabulary (word)
  SELECT DISTINCT w.word FROM new_rows AS c, unnest(string_to_array(c.search_name, ' ')) AS w (word) ORDER BY 1
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION customer_name_words_sync() IS 'Keeps customer_name_words and name_vocabulary in step with customers.search_name.';

CREATE TRIGGER customers_name_words_insert AFTER INSERT ON customers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_name_words_sync();
CREATE TRIGGER customers_name_words_update AFTER UPDATE OF name ON customers
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION customer_name_words_sync();
CREATE TRIGGER customers_name_words_delete AFTER DELETE ON customers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_name_words_sync();
CREATE TRIGGER customers_name_words_truncate AFTER TRUNCATE ON customers
  FOR EACH STATEMENT EXECUTE FUNCTION customer_name_words_sync();

COMMENT ON TRIGGER customers_name_words_insert ON customers IS 'Adds the words of new customers to the word index.';
COMMENT ON TRIGGER customers_name_words_update ON customers IS 'Re-indexes the words of a renamed customer.';
COMMENT ON TRIGGER customers_name_words_delete ON customers IS 'Removes the words of deleted customers.';
COMMENT ON TRIGGER customers_name_words_truncate ON customers IS 'Empties the word index with customers.';

-- Words of the customers already there.
INSERT INTO customer_name_words (word, first_word, search_name, customer_id)
SELECT DISTINCT w.word, w.n = 1, c.search_name, c.id
  FROM customers AS c, unnest(string_to_array(c.search_name, ' ')) WITH ORDINALITY AS w (word, n)
 ORDER BY 1, 2, 3, 4;
INSERT INTO name_vocabulary (word) SELECT DISTINCT word FROM customer_name_words;
