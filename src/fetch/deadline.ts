/** Thrown when one GET took longer than `requestDeadlineMs`, whatever the server was doing. */
export class RequestDeadlineError extends Error {
  override name = 'RequestDeadlineError';
  readonly code = 'CABSYNC_REQUEST_DEADLINE';
  constructor(readonly ms: number) {
    super(`no complete answer within ${ms / 1000} s (the deadline of one request)`);
  }
}

/** Thrown (as an AbortSignal's reason) once the whole run's deadline has passed. */
export class RunDeadlineError extends Error {
  override name = 'RunDeadlineError';
  readonly code = 'CABSYNC_RUN_DEADLINE';
  constructor(readonly ms: number) {
    super(`the run's deadline (--max-duration ${formatDuration(ms)}) passed`);
  }
}

const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/**
 * `--max-duration` and its kin: `45m`, `1h30m`, `90s`, `500ms`, or a plain number of seconds.
 * Returns milliseconds, or a message naming `flag` when the text is no duration.
 */
export function parseDuration(text: string, flag: string): number | { error: string } {
  const trimmed = text.trim();
  const spelled = /^\d+(\.\d+)?$/.test(trimmed) ? `${trimmed}s` : trimmed;
  const ms = /^(\d+(\.\d+)?(ms|h|m|s))+$/.test(spelled)
    ? Math.round(
        [...spelled.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)].reduce(
          (sum, [, n, unit]) => sum + Number(n) * UNITS[unit!]!,
          0,
        ),
      )
    : 0;
  return ms > 0
    ? ms
    : { error: `Expected ${flag} to be a duration such as 45m, 1h30m or 90s, got ${JSON.stringify(text)}` };
}

/** `90_000` → `1m30s`, the way `--max-duration` is written. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const parts = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ] as const;
  const text = parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
  return text === '' ? `${ms}ms` : text;
}

/** One request's deadline, joined with the run's: a signal for undici, and a race for the waits undici cannot see. */
export interface Deadline {
  signal: AbortSignal;
  race<T>(work: () => Promise<T>): Promise<T>;
  /** Why the request was cut (request or run deadline), or undefined while it was not. */
  reason(): Error | undefined;
  clear(): void;
}

export function requestDeadline(ms: number, run?: AbortSignal): Deadline {
  const own = new AbortController();
  const timer = setTimeout(() => own.abort(new RequestDeadlineError(ms)), ms);
  const signal = run ? AbortSignal.any([own.signal, run]) : own.signal;
  const reason = (): Error | undefined => (signal.aborted ? (signal.reason as Error) : undefined);
  return {
    signal,
    reason,
    race: (work) =>
      new Promise((resolve, reject) => {
        const abort = (): void => reject(reason() ?? new Error('aborted'));
        if (signal.aborted) return abort();
        signal.addEventListener('abort', abort, { once: true });
        work()
          .then(resolve, reject)
          .finally(() => signal.removeEventListener('abort', abort));
      }),
    clear: () => clearTimeout(timer),
  };
}
