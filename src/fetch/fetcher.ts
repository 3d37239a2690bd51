import { Agent, interceptors, type Dispatcher } from 'undici';
import pLimit from 'p-limit';
import { resolveFetchOptions, type FetchOptions } from './options.js';
import { retryVerdict, RETRYABLE_ERROR_CODES, type Failure } from './backoff.js';
import { politeness, wholeBody, RefusedError, type Gate } from './interceptors.js';
import { refusalReason } from './policy.js';
import { decodeBody } from './decode.js';
import { ALLOW_ALL, parseRobots, rulesForUnreadable, type RobotsRules } from './robots.js';

export type { FetchOptions } from './options.js';

/** The outcome of one GET. A failure is a value naming its cause, never an exception. */
export type FetchResult =
  | {
      ok: true;
      url: string;
      /** After same-host redirects. */
      finalUrl: string;
      status: number;
      /** 304: the validators matched; there is no body. */
      notModified: boolean;
      /** Decoded text (charset from the header or the page's meta). */
      body?: string;
      contentType?: string;
      etag?: string;
      lastModified?: string;
      /** Bytes on the wire for this response. */
      bytes: number;
    }
  | {
      ok: false;
      url: string;
      status?: number;
      error: string;
      retryable: boolean;
      /** Not asked at all: robots.txt disallows it, or it is off the site. Politeness, not a fault. */
      refused?: true;
    };

export interface FetcherStats {
  /** GETs answered (any status). */
  total: number;
  /** Requests actually sent, retries and redirect hops included. */
  requests: number;
  notModified: number;
  bytes: number;
  retries: number;
  /** The server answered 200 with the very ETag/Last-Modified we sent: it ignores validators. */
  validatorsIgnored: boolean;
}

/** A polite HTTP client bound to one site. */
export interface Fetcher {
  get(url: string, validators?: { etag?: string; lastModified?: string }): Promise<FetchResult>;
  stats(): FetcherStats;
  close(): Promise<void>;
}

interface HostPace {
  /** When the last request to the host was allowed to start. */
  lastAt: number;
  pausedUntil: number;
}

/**
 * Creates the fetcher for `site`: one keep-alive undici Agent composed with (innermost first)
 * politeness (host check, robots.txt, rate, host pause), whole-body buffering, retry and redirect.
 * robots.txt is read before the first request.
 *
 * @example
 * const fetcher = createFetcher(new URL('https://cabforum.org'), { userAgent: 'cabsync/0.1.0 (+https://github.com/cabsync/cabsync)' });
 * const page = await fetcher.get('https://cabforum.org/posts/');
 */
export function createFetcher(site: URL, options: Partial<FetchOptions> & { userAgent: string }): Fetcher {
  const opts = resolveFetchOptions(options);
  const log = opts.log ?? (() => undefined);
  const counters: FetcherStats = { total: 0, requests: 0, notModified: 0, bytes: 0, retries: 0, validatorsIgnored: false };
  const paces = new Map<string, HostPace>();
  let robots: RobotsRules = ALLOW_ALL;
  let robotsReady: Promise<void> | undefined;

  const intervalMs = (): number => Math.max(opts.rateMs, robots.crawlDelayMs ?? 0);
  const paceOf = (host: string): HostPace => {
    const pace = paces.get(host) ?? { lastAt: -Infinity, pausedUntil: 0 };
    paces.set(host, pace);
    return pace;
  };
  const gate: Gate = {
    refuse: (url) => refusalReason(url, site) ?? robots.refusal(url),
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

  const retry: NonNullable<Parameters<typeof interceptors.retry>[0]>['retry'] = (error, { state, opts: request }, callback) => {
    const verdict = retryVerdict(error as Failure, state.counter, opts);
    if (!verdict.retry) return callback(error);
    counters.retries += 1;
    if (verdict.pauseHost && request.origin !== undefined) {
      const pace = paceOf(new URL(String(request.origin)).host);
      pace.pausedUntil = Math.max(pace.pausedUntil, Date.now() + verdict.delayMs);
    }
    setTimeout(() => callback(null), verdict.delayMs);
  };

  const agent = new Agent({
    connections: opts.concurrency,
    connect: { timeout: opts.connectTimeoutMs },
    headersTimeout: opts.headersTimeoutMs,
    bodyTimeout: opts.bodyTimeoutMs,
    maxResponseSize: opts.maxBytes,
  });
  const dispatcher = agent.compose(
    politeness(gate),
    wholeBody(),
    interceptors.retry({ retry, maxRetries: opts.retries, throwOnError: true }),
    interceptors.redirect({ maxRedirections: opts.maxRedirects }),
  );

  async function loadRobots(): Promise<void> {
    if (!opts.respectRobots) return;
    const robotsUrl = new URL('/robots.txt', site).href;
    const result = await fetchOnce(robotsUrl, undefined);
    if (result.ok && result.body !== undefined) robots = parseRobots(result.body, robotsUrl, opts.userAgent);
    else if (!result.ok) robots = rulesForUnreadable(result.status, result.error);
    if (!result.ok && (result.status === undefined || result.status >= 500)) log(`warning: ${result.error}; no page will be fetched`);
  }

  async function fetchOnce(url: string, validators: { etag?: string; lastModified?: string } | undefined): Promise<FetchResult> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return { ok: false, url, error: 'unparsable URL', retryable: false };
    }
    const refused = gate.refuse(target);
    if (refused !== undefined) return { ok: false, url, error: `refused: ${refused}`, retryable: false, refused: true };
    const headers: Record<string, string> = {
      'user-agent': opts.userAgent,
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8',
      'accept-encoding': 'gzip, br',
    };
    if (validators?.etag) headers['if-none-match'] = validators.etag;
    if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
    try {
      const response = await dispatcher.request({ origin: target.origin, path: `${target.pathname}${target.search}`, method: 'GET', headers });
      const raw = Buffer.from(await response.body.arrayBuffer());
      counters.total += 1;
      counters.bytes += raw.length;
      return interpret(url, target, response, raw, validators);
    } catch (error) {
      counters.total += 1;
      return failure(url, error);
    }
  }

  function interpret(url: string, target: URL, response: Dispatcher.ResponseData, raw: Buffer, validators: { etag?: string; lastModified?: string } | undefined): FetchResult {
    const { statusCode: status, headers } = response;
    const history = (response.context as { history?: URL[] } | undefined)?.history ?? [];
    const finalUrl = history.at(-1)?.href ?? target.href;
    const etag = first(headers['etag']);
    const lastModified = first(headers['last-modified']);
    const validatorFields = { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
    if (status === 304) {
      counters.notModified += 1;
      return { ok: true, url, finalUrl, status, notModified: true, bytes: raw.length, ...validatorFields };
    }
    if (status >= 300 && status < 400) return { ok: false, url, status, error: `redirect not followed (HTTP ${status}): more than ${opts.maxRedirects} redirects, or no Location`, retryable: false };
    if (status >= 400) return { ok: false, url, status, error: `HTTP ${status}`, retryable: status === 429 || status >= 500 };
    if (status === 200 && validators && ((validators.etag && validators.etag === etag) || (validators.lastModified && validators.lastModified === lastModified))) {
      if (!counters.validatorsIgnored) log(`warning: ${target.host} answered 200 with the validators we sent (${url}): it ignores conditional requests, so every run downloads every page`);
      counters.validatorsIgnored = true;
    }
    const decoded = decodeBody(raw, headers, new URL(finalUrl).pathname, opts.maxBytes);
    if (!decoded.ok) return { ok: false, url, status, error: decoded.error, retryable: false };
    const contentType = decoded.contentType ? { contentType: decoded.contentType } : {};
    return { ok: true, url, finalUrl, status, notModified: false, body: decoded.text, bytes: raw.length, ...contentType, ...validatorFields };
  }

  function failure(url: string, error: unknown): FetchResult {
    const err = error as Error & { code?: string; statusCode?: number };
    if (err instanceof RefusedError) return { ok: false, url, error: err.message, retryable: false, refused: true };
    if (err.code === 'UND_ERR_REQ_RETRY' && err.statusCode !== undefined) {
      return { ok: false, url, status: err.statusCode, error: `HTTP ${err.statusCode} after ${opts.retries} retries`, retryable: true };
    }
    if (err.code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return { ok: false, url, error: `body larger than ${opts.maxBytes} bytes (maxBytes)`, retryable: false };
    if (/redirect loop/i.test(err.message)) return { ok: false, url, error: 'redirect loop', retryable: false };
    const known = RETRYABLE_ERROR_CODES.find((rule) => rule.code === err.code);
    if (known) return { ok: false, url, error: `${known.why} (${known.code}) after ${opts.retries} retries`, retryable: true };
    return { ok: false, url, error: `${err.code ?? err.name}: ${err.message}`, retryable: false };
  }

  const limit = pLimit(opts.concurrency);
  return {
    get: (url, validators) =>
      limit(async () => {
        await (robotsReady ??= loadRobots());
        return fetchOnce(url, validators);
      }),
    stats: () => ({ ...counters }),
    close: () => agent.close(),
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
