// Pacing of one fetcher: the per-host slot and pause (the politeness gate), the retries with their
// backoff and Retry-After budget, and the timers all of these wait on.
import type { interceptors } from 'undici';
import { retryVerdict, type Failure } from './backoff.js';
import { RetryAfterSpentError } from './failure.js';
import type { Gate } from './interceptors.js';
import type { FetchOptions } from './options.js';
import { refusalReason } from './policy.js';
import type { RobotsRules } from './robots.js';

type RetryCallback = NonNullable<Parameters<typeof interceptors.retry>[0]>['retry'];

export interface Pacer {
  gate: Gate;
  retry: RetryCallback;
  /** Clears every wait still pending (the fetcher is closing). */
  clear: () => void;
}

interface HostPace {
  /** When the last request to the host was allowed to start. */
  lastAt: number;
  pausedUntil: number;
}

/** The gate and retry policy of a fetcher for `site`; `robots()` gives the rules as read so far. */
export function createPacer(
  site: URL,
  opts: FetchOptions,
  counters: { requests: number; retries: number },
  robots: () => RobotsRules,
): Pacer {
  const paces = new Map<string, HostPace>();
  const intervalMs = (): number => Math.max(opts.rateMs, robots().crawlDelayMs ?? 0);
  const paceOf = (host: string): HostPace => {
    const pace = paces.get(host) ?? { lastAt: -Infinity, pausedUntil: 0 };
    paces.set(host, pace);
    return pace;
  };
  // Waits for a slot, a host pause or a retry. A request given up on (its deadline passed) may still
  // be waiting: close() clears them, so a 60 s Retry-After never holds the process open.
  const timers = new Set<NodeJS.Timeout>();
  const later = (run: () => void, ms: number): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  const gate: Gate = {
    later,
    refuse: (url, purpose) => refusalReason(url, site, purpose) ?? robots().refusal(url),
    reserve: (host) => {
      const pace = paceOf(host);
      const now = Date.now();
      if (pace.pausedUntil > now) return pace.pausedUntil - now;
      // The interval is read now, not when the previous slot was taken, so a Crawl-delay
      // learned from robots.txt already spaces the first page from robots.txt itself.
      const slot = Math.max(now, pace.lastAt + intervalMs());
      pace.lastAt = slot;
      return slot - now;
    },
    pausedFor: (host) => Math.max(0, paceOf(host).pausedUntil - Date.now()),
    onSend: () => {
      counters.requests += 1;
    },
  };

  // Time Retry-After has made the run wait so far: a host pause counts once, however many requests it holds.
  let retryAfterSpentMs = 0;
  const retry: RetryCallback = (error, { state, opts: request }, callback) => {
    const verdict = retryVerdict(error as Failure, state.counter, opts);
    if (!verdict.retry) return callback(error);
    const pace =
      verdict.pauseHost && request.origin !== undefined ? paceOf(new URL(String(request.origin)).host) : undefined;
    if (verdict.retryAfter) {
      const until = Date.now() + verdict.delayMs;
      const cost = pace ? Math.max(0, until - Math.max(Date.now(), pace.pausedUntil)) : verdict.delayMs;
      if (retryAfterSpentMs + cost > opts.retryAfterBudgetMs)
        return callback(
          new RetryAfterSpentError((error as Failure).statusCode, verdict.delayMs, opts.retryAfterBudgetMs),
        );
      retryAfterSpentMs += cost;
    }
    counters.retries += 1;
    if (pace) pace.pausedUntil = Math.max(pace.pausedUntil, Date.now() + verdict.delayMs);
    later(() => callback(null), verdict.delayMs);
  };
  const clear = (): void => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
  return { gate, retry, clear };
}
