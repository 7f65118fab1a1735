import type { z } from 'zod';

/** One problem in a config file: where, what, and how to fix it. */
export interface ConfigIssue {
  path: string;
  message: string;
  hint: string;
}

export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? String(k) : `${s}.${String(k)}`),
    '',
  );
}

/** Every zod issue, each with a hint from `hintFor` (which knows the file's format). */
export function listZodIssues(
  error: z.ZodError,
  hintFor: (path: string, code: string) => string,
): ConfigIssue[] {
  return error.issues.flatMap((issue) => {
    const base = formatIssuePath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = base === '' ? key : `${base}.${key}`;
        return { path, message: `unknown setting "${key}"`, hint: hintFor(path, issue.code) };
      });
    }
    return [{ path: base || '(top level)', message: issue.message, hint: hintFor(base, issue.code) }];
  });
}

export function formatIssues(origin: string, issues: readonly ConfigIssue[]): string {
  return [
    `${origin}: ${issues.length} problem${issues.length === 1 ? '' : 's'}:`,
    ...issues.map((i) => `  - ${i.path}: ${i.message} (${i.hint})`),
  ].join('\n');
}
