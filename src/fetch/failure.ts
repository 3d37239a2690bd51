import { RETRYABLE_ERROR_CODES } from './backoff.js';
import { RefusedError, TooLargeError } from './interceptors.js';
import { RequestDeadlineError } from './deadline.js';

/** A Retry-After the run can no longer afford: its budget (`retryAfterBudgetMs`) is spent. */
export class RetryAfterSpentError extends Error {
  override name = 'RetryAfterSpentError';
  readonly code = 'CABSYNC_RETRY_AFTER_SPENT';
  constructor(
    readonly statusCode: number | undefined,
    readonly waitMs: number,
    readonly budgetMs: number,
  ) {
    super(
      `HTTP ${statusCode ?? '?'} with Retry-After ${Math.round(waitMs / 1000)} s: not waited, the run has spent its Retry-After budget (${Math.round(budgetMs / 1000)} s)`,
    );
  }
}

/** A GET that did not give a usable response. A value naming its cause, never an exception. */
export interface FetchFailure {
  ok: false;
  url: string;
  status?: number;
  error: string;
  retryable: boolean;
  /** Not asked at all: robots.txt disallows it, or it is off the site. Politeness, not a fault. */
  refused?: true;
  /** Cut off at the request's size cap; `size` is the declared length, when the server sent one. */
  tooLarge?: { limit: number; size?: number };
}

/** Turns what undici threw for `url` into a {@link FetchFailure} naming the cause. */
export function describeFailure(
  url: string,
  error: unknown,
  settings: { retries: number; maxBytes: number },
): FetchFailure {
  const err = error as Error & { code?: string; statusCode?: number };
  if (err instanceof RefusedError) return { ok: false, url, error: err.message, retryable: false, refused: true };
  // Worth another try next run: the server was slow or busy.
  if (err instanceof RequestDeadlineError) return { ok: false, url, error: err.message, retryable: true };
  if (err instanceof RetryAfterSpentError)
    return {
      ok: false,
      url,
      ...(err.statusCode !== undefined && { status: err.statusCode }),
      error: err.message,
      retryable: true,
    };
  if (err.code === 'UND_ERR_REQ_RETRY' && err.statusCode !== undefined) {
    return {
      ok: false,
      url,
      status: err.statusCode,
      error: `HTTP ${err.statusCode} after ${settings.retries} retries`,
      retryable: true,
    };
  }
  if (err.code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    const limit = err instanceof TooLargeError ? err.limit : settings.maxBytes;
    const size = err instanceof TooLargeError ? err.size : undefined;
    const tooLarge = size === undefined ? { limit } : { limit, size };
    return { ok: false, url, error: `body larger than ${limit} bytes (maxBytes)`, retryable: false, tooLarge };
  }
  if (/redirect loop/i.test(err.message)) return { ok: false, url, error: 'redirect loop', retryable: false };
  const known = RETRYABLE_ERROR_CODES.find((rule) => rule.code === err.code);
  if (known)
    return { ok: false, url, error: `${known.why} (${known.code}) after ${settings.retries} retries`, retryable: true };
  return { ok: false, url, error: `${err.code ?? err.name}: ${err.message}`, retryable: false };
}
