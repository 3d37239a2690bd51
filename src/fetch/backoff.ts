/** Network failures worth another attempt: the connection, not the request, went wrong. */
export const RETRYABLE_ERROR_CODES: readonly { code: string; why: string }[] = [
  { code: 'ECONNRESET', why: 'connection reset by the server or a middlebox' },
  { code: 'ECONNREFUSED', why: 'server restarting' },
  { code: 'EPIPE', why: 'socket closed while writing' },
  { code: 'ETIMEDOUT', why: 'TCP timeout' },
  { code: 'ENETUNREACH', why: 'transient routing trouble' },
  { code: 'EHOSTUNREACH', why: 'transient routing trouble' },
  { code: 'EAI_AGAIN', why: 'DNS temporarily failing' },
  { code: 'UND_ERR_SOCKET', why: 'socket closed mid-response (body cut short)' },
  { code: 'UND_ERR_CONNECT_TIMEOUT', why: 'connect timeout' },
  { code: 'UND_ERR_HEADERS_TIMEOUT', why: 'headers timeout' },
  { code: 'UND_ERR_BODY_TIMEOUT', why: 'body stalled' },
  { code: 'UND_ERR_CLOSED', why: 'keep-alive socket closed under us' },
];

/** Statuses that mean "not now": server overload or a proxy hiccup. Other 4xx are the request's fault. */
export const RETRYABLE_STATUSES: readonly { status: number; why: string; pausesHost: boolean }[] = [
  { status: 429, why: 'rate limited', pausesHost: true },
  { status: 500, why: 'server error, often transient', pausesHost: false },
  { status: 502, why: 'bad gateway', pausesHost: false },
  { status: 503, why: 'overloaded or in maintenance', pausesHost: true },
  { status: 504, why: 'gateway timeout', pausesHost: false },
];

export interface BackoffSettings {
  retries: number;
  baseRetryDelayMs: number;
  maxRetryDelayMs: number;
  maxRetryAfterMs: number;
}

/**
 * What to do after a failed attempt. `pauseHost`: the wait applies to every request to the host.
 * `retryAfter`: the wait is the server's (capped), counted against the run's Retry-After budget.
 */
export type RetryVerdict = { retry: false } | { retry: true; delayMs: number; pauseHost: boolean; retryAfter: boolean };

/** A failed attempt as undici reports it: a status (with headers) or an error code. */
export interface Failure {
  statusCode?: number;
  code?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/**
 * Decides whether attempt number `attempt` (1 = the first retry) should happen and after how long.
 * Retry-After wins over backoff; it is capped at `maxRetryAfterMs`. A 429 or 503 carrying
 * Retry-After pauses the whole host.
 */
export function retryVerdict(
  failure: Failure,
  attempt: number,
  settings: BackoffSettings,
  now = Date.now(),
  random = Math.random,
): RetryVerdict {
  if (attempt > settings.retries) return { retry: false };
  const statusRule =
    failure.statusCode === undefined
      ? undefined
      : RETRYABLE_STATUSES.find((rule) => rule.status === failure.statusCode);
  if (failure.statusCode !== undefined && statusRule === undefined) return { retry: false };
  if (failure.statusCode === undefined && !RETRYABLE_ERROR_CODES.some((rule) => rule.code === failure.code))
    return { retry: false };
  const retryAfter = parseRetryAfter(headerValue(failure.headers?.['retry-after']), now);
  if (retryAfter !== undefined) {
    return {
      retry: true,
      delayMs: Math.min(retryAfter, settings.maxRetryAfterMs),
      pauseHost: statusRule?.pausesHost ?? false,
      retryAfter: true,
    };
  }
  return { retry: true, delayMs: backoffDelay(attempt, settings, random), pauseHost: false, retryAfter: false };
}

/** Exponential backoff with "equal jitter": half fixed, half random, so parallel retries spread out. */
export function backoffDelay(
  attempt: number,
  settings: Pick<BackoffSettings, 'baseRetryDelayMs' | 'maxRetryDelayMs'>,
  random = Math.random,
): number {
  const ceiling = Math.min(settings.baseRetryDelayMs * 2 ** Math.max(0, attempt - 1), settings.maxRetryDelayMs);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Retry-After as delta-seconds or an HTTP date → ms from `now`; unparsable → undefined. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
