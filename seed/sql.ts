/**
 * Deterministic building blocks of the seed's set-based SQL. Each attribute is a pure function of a
 * row number (customer c, order j, order line l, product p, variant k) and a per-attribute salt,
 * hashed: no random(), so the data is the same on every run whatever the plan, and statements can
 * recompute what another one produced instead of reading it back. Inputs are our own constants and
 * SQL fragments, never user input.
 *
 * "OFFSET 0" keeps a subquery from being flattened into its parent: PostgreSQL would otherwise paste
 * a column's whole expression into every place that uses it and evaluate it again each time.
 */

const quote = (text: string | null): string => (text === null ? 'NULL' : `'${text.replaceAll("'", "''")}'`);

export const textArray = (items: ReadonlyArray<string | null>): string => `(ARRAY[${items.map(quote).join(',')}]::text[])`;

export const intArray = (items: readonly number[]): string => `(ARRAY[${items.map((n) => Math.trunc(n)).join(',')}]::int8[])`;

export const floatArray = (items: readonly number[]): string => `(ARRAY[${items.join(',')}]::float8[])`;

/** Non-negative 31-bit hash of the integer expression `n`, independent for each salt. */
const hash = (n: string, salt: number): string => `(hashint8extended((${n})::int8, ${salt}) & 2147483647)`;

/** Integer in [0, k). `k` may be an SQL expression. */
export const below = (n: string, salt: number, k: number | string): string => `(${hash(n, salt)} % (${k}))`;

/** Number in [0, 1). */
export const fraction = (n: string, salt: number): string => `(${hash(n, salt)}::float8 / 2147483648.0)`;

/** One of `items`, uniformly. */
export const pickText = (items: readonly string[], n: string, salt: number): string =>
  `${textArray(items)}[1 + ${below(n, salt, items.length)}]`;

/** One of the keys of `weights`, with probability proportional to its weight (weights are small integers). */
export const pickWeighted = (weights: Readonly<Record<string, number>>, n: string, salt: number): string => {
  // Indexing an int8 array is constant-time; indexing a text array walks it. So map the hash to a
  // position in the short array of keys through an int8 array with one entry per unit of weight.
  const keys = Object.keys(weights);
  const positions = expandWeights(keys.map((key, i) => [i + 1, weights[key] ?? 0] as const));
  return `${textArray(keys)}[${intArray(positions)}[1 + ${below(n, salt, positions.length)}]]`;
};

/** One of the numbers, with probability proportional to its weight. */
export const pickWeightedInt = (weights: ReadonlyArray<readonly [value: number, weight: number]>, n: string, salt: number): string => {
  const values = expandWeights(weights);
  return `${intArray(values)}[1 + ${below(n, salt, values.length)}]`;
};

function expandWeights<T>(weights: ReadonlyArray<readonly [T, number]>): T[] {
  return weights.flatMap(([value, weight]) => Array.from({ length: weight }, () => value));
}

/** `prefix_` + the row number in hex, zero-padded to 8 digits: lexical order is numeric order. */
export const publicId = (prefix: string, n: string): string => `('${prefix}_' || lpad(to_hex(${n}), 8, '0'))`;

/** The id publicId builds for row number n, computed in JavaScript. */
export const seededId = (prefix: string, n: number): string => `${prefix}_${n.toString(16).padStart(8, '0')}`;

/** The row number of an id publicId built (the inverse of publicId). */
export const rowNumber = (id: string, prefix: string): string => `(('x' || substr(${id}, ${prefix.length + 2}))::bit(32)::int)`;

export const DAY_SECONDS = 86_400;

/** The moment `seconds` before now(); now() is fixed for the whole seeding transaction. */
export const secondsAgo = (seconds: string): string => `(now() - (${seconds}) * interval '1 second')`;

/** Replaces the {placeholders} of a template expression with SQL expressions. */
export const fillTemplate = (template: string, values: Readonly<Record<string, string>>): string =>
  Object.entries(values).reduce((body, [name, value]) => `replace(${body}, '{${name}}', ${value})`, template);

/** Text from a template where each # becomes a digit and each @ an upper-case letter, hashed from `n`. */
export function patterned(template: string, n: string, salt: number): string {
  // Runs of up to 9 digits come from one hash each: a tracking number costs a few hashes, not one per digit.
  const parts: string[] = [];
  let k = 0;
  for (const run of template.match(/#{1,9}|@|[^#@]+/g) ?? []) {
    const s = salt * 64 + k++;
    if (run.startsWith('#')) parts.push(`lpad(${below(n, s, 10 ** run.length)}::text, ${run.length}, '0')`);
    else if (run === '@') parts.push(`chr((65 + ${below(n, s, 26)})::int)`);
    else parts.push(`'${run.replaceAll("'", "''")}'`);
  }
  return `(${parts.join(' || ')})`;
}

export const isFixture = (n: string, fixtures: readonly unknown[]): string => `${n} <= ${fixtures.length}`;
