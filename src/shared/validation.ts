/**
 * Turns zod issues into messages that name the field and what was expected, e.g.
 * `health.intervalMs: expected a positive integer, got "fast"`. Shared by config, manifests and
 * contract payloads so every bad input reads the same way.
 */
import type { z } from 'zod';

export interface FieldIssue {
  /** Dotted path, e.g. `health.intervalMs` or `plugins.dirs.0`; `(root)` for the whole value. */
  field: string;
  message: string;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p) => String(p)).join('.');
}

/** A short, JSON-ish rendering of an offending value, bounded in length. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // Cyclic or too deep to render: say what it is instead.
    text = Array.isArray(value) ? 'an array' : typeof value === 'object' && value !== null ? 'an object' : typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function issuesOf(error: z.ZodError): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ field: fieldPath([...issue.path, key]), message: 'unknown key' });
      }
      continue;
    }
    const input = (issue as { input?: unknown }).input;
    const got = issue.code === 'invalid_type' && input === undefined ? 'nothing' : describeValue(input);
    let message = issue.message;
    if (issue.code === 'invalid_type' && input === undefined) message = `required: ${message}`;
    out.push({ field: fieldPath(issue.path), message: `${message}, got ${got}` });
  }
  return out;
}

/** One line per issue: `field: message`. */
export function formatIssues(error: z.ZodError): string {
  return issuesOf(error)
    .map((i) => `${i.field}: ${i.message}`)
    .join('; ');
}
