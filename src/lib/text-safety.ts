/** Text PostgreSQL cannot store: a NUL byte (22021), or a UTF-16 surrogate without its pair (22P05 in jsonb, mangled in text). */

const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with this text, in words, or undefined when it is fine. */
export function unsafeTextProblem(text: string): string | undefined {
  if (text.includes(NUL)) return 'a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'an unpaired UTF-16 surrogate (\\uD800-\\uDFFF)';
  return undefined;
}

/**
 * The first string (value or object key) in `value` that text cannot hold, with its path. Walks
 * without recursion, so any nesting depth is safe.
 */
export function unsafeTextAt(value: unknown): { path: (string | number)[]; problem: string } | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = unsafeTextProblem(v);
      if (problem) return { path, problem };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, i] });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const problem = unsafeTextProblem(k);
        if (problem) return { path: [...path, k], problem };
        stack.push({ value: child, path: [...path, k] });
      }
    }
  }
  return undefined;
}
