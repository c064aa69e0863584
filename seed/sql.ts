/**
 * SQL expression builders for deterministic pseudo-random values. Every value is a hash of a row
 * number and a per-attribute salt: no random(), so the data is the same on every run whatever the
 * plan. Inputs are our own constants and SQL fragments, never user input.
 */

export const quote = (text: string | null): string => (text === null ? 'NULL' : `'${text.replaceAll("'", "''")}'`);

export const textArray = (items: ReadonlyArray<string | null>): string => `(ARRAY[${items.map(quote).join(',')}]::text[])`;

export const intArray = (items: readonly number[]): string => `(ARRAY[${items.map((n) => Math.trunc(n)).join(',')}]::int8[])`;

export const floatArray = (items: readonly number[]): string => `(ARRAY[${items.join(',')}]::float8[])`;

/** Non-negative 31-bit hash of the integer expression `n`, independent for each salt. */
export const hash = (n: string, salt: number): string => `(hashint8extended((${n})::int8, ${salt}) & 2147483647)`;

/** Integer in [0, k). `k` may be an SQL expression. */
export const below = (n: string, salt: number, k: number | string): string => `(${hash(n, salt)} % (${k}))`;

/** Number in [0, 1). */
export const fraction = (n: string, salt: number): string => `(${hash(n, salt)}::float8 / 2147483648.0)`;

/** One of `items`, uniformly. */
export const pickText = (items: readonly string[], n: string, salt: number): string =>
  `${textArray(items)}[1 + ${below(n, salt, items.length)}]`;

/** One of the keys of `weights`, with probability proportional to its weight (weights are small integers). */
export const pickWeighted = (weights: Readonly<Record<string, number>>, n: string, salt: number): string =>
  pickText(expandWeights(Object.entries(weights)), n, salt);

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

export const DAY_SECONDS = 86_400;

/** The moment `seconds` before now(); now() is fixed for the whole seeding transaction. */
export const secondsAgo = (seconds: string): string => `(now() - (${seconds}) * interval '1 second')`;

/** Replaces the {placeholders} of a template expression with SQL expressions. */
export const fillTemplate = (template: string, values: Readonly<Record<string, string>>): string =>
  Object.entries(values).reduce((body, [name, value]) => `replace(${body}, '{${name}}', ${value})`, template);
