import type { z } from 'zod';
import { ValidationError } from '../lib/errors.js';
import { rejectUnsafeText } from './common-schemas.js';

/**
 * Tool arguments checked against a tool's input schema, with failures in the same form as every
 * domain error: VALIDATION, the field, what was wrong, and a hint on what to send instead. Hints
 * for kinds of fields are written here, once; other fields hint with their allowed values or their
 * own description. The advertised JSON Schema is the tool's unchanged.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyObject = z.ZodObject<any>;

const checked = new WeakMap<AnyObject, z.ZodType>();

/** The input schema plus the text-safety refinement, built once per tool. */
function schemaOf(input: AnyObject): z.ZodType {
  let s = checked.get(input);
  if (!s) checked.set(input, (s = input.superRefine(rejectUnsafeText)));
  return s;
}

/** Parses `args` (absent arguments are an empty object) or throws a ValidationError. */
export function parseToolInput(input: AnyObject, args: unknown): unknown {
  const result = schemaOf(input).safeParse(args ?? {});
  if (result.success) return result.data;
  throw validationErrorOf(input, args, result.error.issues[0]);
}

type Issue = z.core.$ZodIssue;

export function validationErrorOf(input: AnyObject, args: unknown, issue: Issue | undefined): ValidationError {
  if (!issue) return new ValidationError('arguments: malformed', HINT_SCHEMA);
  if (issue.code === 'unrecognized_keys') {
    const field = [...issue.path, issue.keys[0] ?? ''].join('.');
    return new ValidationError(`${field}: not a field of this tool`, `Accepted fields: ${Object.keys(fieldsAt(input, issue.path)).join(', ')}.`, { field });
  }
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'arguments';
  const received = valueAt(args, issue.path);
  const schema = schemaAt(input, issue.path);
  return new ValidationError(`${field}: ${problemOf(issue, received)}`, hintFor(field, issue, received, schema), { field });
}

const HINT_SCHEMA = 'The tool catalog (tools/list or supportdesk://docs/tools) gives every field with its type.';

function problemOf(issue: Issue, received: unknown): string {
  if (received === undefined && issue.code === 'invalid_type') return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, got ${describeValue(received)}`;
    case 'invalid_union':
    case 'invalid_value':
      return `${describeValue(received)} is not an accepted value`;
    case 'custom':
      return issue.message;
    default:
      return issue.message.replace(/^Invalid input: /, '').replace(/^Too (big|small): /, '');
  }
}

function hintFor(field: string, issue: Issue, received: unknown, schema: z.ZodType | undefined): string {
  const name = field.split('.').at(-1) ?? field;
  if (name.endsWith('_cents')) return centsHint(received);
  if (issue.code === 'custom' && /NUL|surrogate/.test(issue.message)) return 'Remove the control character or repair the text encoding, and send it again.';
  if (name === 'cursor') return 'Pass next_cursor exactly as the previous call returned it, or omit cursor for the first page.';
  if (name === 'since' || name === 'until') return 'An ISO 8601 date or timestamp, e.g. 2025-01-31 (00:00 UTC) or 2025-01-31T09:30:00Z.';
  if (issue.code === 'invalid_value' && issue.values.length <= 30) return `One of: ${issue.values.map(String).join(', ')}.`;
  const description = schema?.description;
  return description ? `${field}: ${description}` : HINT_SCHEMA;
}

/** "integer cents, e.g. 1000 for 10.00", with the example taken from a decimal the caller sent. */
function centsHint(received: unknown): string {
  const text = typeof received === 'number' || typeof received === 'string' ? String(received).trim() : '';
  const decimal = /^\d{1,12}(\.\d{1,2})?$/.test(text) && text.includes('.') ? text : undefined;
  return decimal ? `integer cents, e.g. ${Math.round(Number(decimal) * 100)} for ${decimal}` : 'integer cents, e.g. 1000 for 10.00';
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return v.length > 40 ? 'a long string' : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** The field schema at `path`, through optional/default/pipe wrappers; undefined where it cannot tell. */
function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = root;
  for (const key of path) {
    s = unwrap(s);
    const def = s?._zod.def as { type?: string; shape?: Record<string, z.ZodType>; element?: z.ZodType } | undefined;
    if (def?.type === 'object' && typeof key === 'string') s = def.shape?.[key];
    else if (def?.type === 'array') s = def.element;
    else return undefined;
  }
  return s;
}

function fieldsAt(root: z.ZodType, path: readonly PropertyKey[]): Record<string, unknown> {
  const def = unwrap(schemaAt(root, path))?._zod.def as { shape?: Record<string, unknown> } | undefined;
  return def?.shape ?? {};
}

/** The schema a wrapper stands for, keeping the outermost description when the inner has none. */
function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  for (let i = 0; s && i < 10; i++) {
    const def = s._zod.def as { type: string; innerType?: z.ZodType; out?: z.ZodType };
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.out) s = def.out;
    else break;
  }
  return s;
}
