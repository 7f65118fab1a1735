/** One thing `airtrace doctor` looked at: what it found and, when it is wrong, how to fix it. */
export interface CheckResult {
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  /** What was found, in a line (never a key, a password or an address). */
  detail: string;
  /** What to do, for a failed check. */
  fix?: string;
}

export function pass(id: string, title: string, detail: string): CheckResult {
  return { id, title, status: 'pass', detail };
}

export function fail(id: string, title: string, detail: string, fix: string): CheckResult {
  return { id, title, status: 'fail', detail, fix };
}

export function skip(id: string, title: string, detail: string): CheckResult {
  return { id, title, status: 'skip', detail };
}

/** A check that did not answer in time fails, rather than holding the doctor. */
export async function withTimeout(
  check: () => Promise<CheckResult>,
  id: string,
  title: string,
  ms: number,
): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve(
          fail(
            id,
            title,
            `no answer within ${ms / 1000} s`,
            'see the other checks; run again with a working network',
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([
      check().catch((error: unknown) =>
        fail(
          id,
          title,
          `the check itself failed: ${(error as Error)?.message ?? String(error)}`,
          'report this as a bug',
        ),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
