import { UsageError } from '../errors.js';
/** Everything that tunes the fetcher; resolved once, with defaults, by {@link resolveFetchOptions}. */
export interface FetchOptions {
  /** `cabsync/<version> (+https://github.com/cabsync/cabsync)`; robots.txt groups match its first word. */
  userAgent: string;
  /** Requests in flight at once (`--concurrency`). Default 4. */
  concurrency: number;
  /** Minimum interval between request starts to one host, ms (`--rate`; 0 for none). Default 250. A robots.txt Crawl-delay raises it. */
  rateMs: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** Longest silence while a body streams. */
  bodyTimeoutMs: number;
  /**
   * Longest one GET may take from when it is sent, headers, body, retries and their waits included:
   * a server that drips a byte every few seconds never trips the silence timeouts. Default 120 s.
   */
  requestDeadlineMs: number;
  /** Largest body accepted, compressed or not; over it the URL fails and the stream is cut. Default 10 MB. */
  maxBytes: number;
  /** Redirects followed, same host only. Default 5. */
  maxRedirects: number;
  /** Retries after the first attempt on network errors, 429 and 5xx. Default 4. */
  retries: number;
  /** First backoff delay; doubles each retry, with jitter. Default 500 ms. */
  baseRetryDelayMs: number;
  /** Cap on one backoff delay. Default 30 s. */
  maxRetryDelayMs: number;
  /** Cap on a server's Retry-After; a longer one is waited only this long. Default 60 s. */
  maxRetryAfterMs: number;
  /**
   * Cap on the time Retry-After may make a whole run wait, summed over its retries. Once spent, an
   * answer with Retry-After is a failure of its URL, not another wait. Default 5 min.
   */
  retryAfterBudgetMs: number;
  respectRobots: boolean;
  /** The run's deadline: once aborted, requests in flight are cut and no new one is sent; each fails with the signal's reason. */
  signal?: AbortSignal;
  /** Where warnings go (validators ignored, robots.txt trouble). */
  log?: (message: string) => void;
}

export const DEFAULT_FETCH_OPTIONS: Omit<FetchOptions, 'userAgent'> = {
  concurrency: 4,
  rateMs: 250,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  requestDeadlineMs: 120_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  retries: 4,
  baseRetryDelayMs: 500,
  maxRetryDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  retryAfterBudgetMs: 300_000,
  respectRobots: true,
};

/** Thrown for an option out of range; names the option (and so the flag) and the value. */
export class FetchOptionError extends UsageError {}

// Each numeric option: the smallest value that makes sense and the flag a user would fix.
const LIMITS: readonly { key: keyof FetchOptions; min: number; flag: string }[] = [
  { key: 'concurrency', min: 1, flag: '--concurrency' },
  { key: 'rateMs', min: 0, flag: '--rate' },
  { key: 'connectTimeoutMs', min: 1, flag: 'connectTimeoutMs' },
  { key: 'headersTimeoutMs', min: 1, flag: 'headersTimeoutMs' },
  { key: 'bodyTimeoutMs', min: 1, flag: 'bodyTimeoutMs' },
  { key: 'requestDeadlineMs', min: 1, flag: 'requestDeadlineMs' },
  { key: 'maxBytes', min: 1, flag: 'maxBytes' },
  { key: 'maxRedirects', min: 0, flag: 'maxRedirects' },
  { key: 'retries', min: 0, flag: 'retries' },
  { key: 'baseRetryDelayMs', min: 0, flag: 'baseRetryDelayMs' },
  { key: 'maxRetryDelayMs', min: 0, flag: 'maxRetryDelayMs' },
  { key: 'maxRetryAfterMs', min: 0, flag: 'maxRetryAfterMs' },
  { key: 'retryAfterBudgetMs', min: 0, flag: 'retryAfterBudgetMs' },
];

/** Fills defaults and checks every number once, so the fetcher never meets a bad value. */
export function resolveFetchOptions(options: Partial<FetchOptions> & { userAgent: string }): FetchOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved = { ...DEFAULT_FETCH_OPTIONS, ...defined } as FetchOptions;
  for (const { key, min, flag } of LIMITS) {
    const value = resolved[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new FetchOptionError(
        `Expected ${flag} to be an integer from ${min} and up, got ${JSON.stringify(value) ?? 'nothing'}`,
      );
    }
  }
  if (resolved.userAgent.trim() === '')
    throw new FetchOptionError('Expected a User-Agent naming the tool, got an empty string');
  return resolved;
}
