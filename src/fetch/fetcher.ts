import { Agent, interceptors, type Dispatcher } from 'undici';
import pLimit from 'p-limit';
import { resolveFetchOptions, type FetchOptions } from './options.js';
import { politeness, sizeCap, tagged, wholeBody } from './interceptors.js';
import { createPacer } from './pace.js';
import { describeFailure, type FetchFailure } from './failure.js';
import { requestDeadline } from './deadline.js';
import { FILE, first, PAGE, type BodyKind, type Read } from './body-kinds.js';
import { ALLOW_ALL, parseRobots, rulesForUnreadable, type RobotsRules } from './robots.js';

export type { FetchOptions } from './options.js';
export type { FetchFailure } from './failure.js';

/** A response the fetcher accepted; `B` is the body's form: decoded text for a page, bytes for a file. */
export interface Fetched<B> {
  ok: true;
  url: string;
  /** After same-host redirects. */
  finalUrl: string;
  status: number;
  /** 304: the validators matched; there is no body. */
  notModified: boolean;
  body?: B;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  /** Bytes on the wire for this response. */
  bytes: number;
}

/** The outcome of one page GET: text decoded by its charset (header, else the page's meta). Failures are values. */
export type FetchResult = Fetched<string> | FetchFailure;

/** The outcome of one file GET: the bytes as served (Content-Encoding undone), not decoded. */
export type FileResult = Fetched<Buffer> | FetchFailure;

/** ETag and Last-Modified of a copy already held, for a conditional request. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

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
  get(url: string, validators?: Validators): Promise<FetchResult>;
  /**
   * A file a post links (PDF, DOCX, image…), any content type, as bytes; with the same pace, robots.txt,
   * retries and redirects as pages. A body over `maxBytes` (default: the fetcher's) is cut off and
   * fails with `tooLarge`.
   */
  getFile(url: string, validators?: Validators, options?: { maxBytes?: number }): Promise<FileResult>;
  stats(): FetcherStats;
  close(): Promise<void>;
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
  const counters: FetcherStats = {
    total: 0,
    requests: 0,
    notModified: 0,
    bytes: 0,
    retries: 0,
    validatorsIgnored: false,
  };
  let robots: RobotsRules = ALLOW_ALL;
  let robotsReady: Promise<void> | undefined;
  const { gate, retry, clear } = createPacer(site, opts, counters, () => robots);

  const agent = new Agent({
    // A spare socket for each place among the requests in flight (`limit` below bounds those): undici
    // reuses a keep-alive socket only once the event loop has turned after its answer, so the request
    // taking the freed place would otherwise wait on that socket behind the rest of the turn's work.
    connections: 2 * opts.concurrency,
    connect: { timeout: opts.connectTimeoutMs },
    headersTimeout: opts.headersTimeoutMs,
    bodyTimeout: opts.bodyTimeoutMs,
  });
  const dispatcher = agent.compose(
    politeness(gate),
    // The size cap is per request (pages and files differ), so it is here and not the Agent's maxResponseSize.
    sizeCap(opts.maxBytes),
    wholeBody(),
    interceptors.retry({ retry, maxRetries: opts.retries, throwOnError: true }),
    interceptors.redirect({ maxRedirections: opts.maxRedirects }),
  );

  async function loadRobots(): Promise<void> {
    if (!opts.respectRobots) return;
    const robotsUrl = new URL('/robots.txt', site).href;
    const result = await fetchOnce(robotsUrl, undefined, PAGE, opts.maxBytes);
    if (result.ok && result.body !== undefined) robots = parseRobots(result.body, robotsUrl, opts.userAgent);
    else if (!result.ok) robots = rulesForUnreadable(result.status, result.error);
    if (!result.ok && (result.status === undefined || result.status >= 500))
      log(`warning: ${result.error}; no page will be fetched`);
  }

  /** One GET through the composed dispatcher, its body read as `kind` says. */
  async function fetchOnce<B>(
    url: string,
    validators: Validators | undefined,
    kind: BodyKind<B>,
    maxBytes: number,
  ): Promise<Fetched<B> | FetchFailure> {
    return (await exchange(url, validators, kind, maxBytes))();
  }

  /**
   * The network part of one GET: the request, and the body's bytes as they came. Reading them
   * (decompressing, decoding the charset) is the returned function's work, done outside the place
   * among the requests in flight, so the next request goes out while this body is read.
   */
  async function exchange<B>(
    url: string,
    validators: Validators | undefined,
    kind: BodyKind<B>,
    maxBytes: number,
  ): Promise<() => Fetched<B> | FetchFailure> {
    const failed = (failure: FetchFailure) => () => failure;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return failed({ ok: false, url, error: 'unparsable URL', retryable: false });
    }
    const refused = gate.refuse(target, kind.purpose);
    if (refused !== undefined)
      return failed({ ok: false, url, error: `refused: ${refused}`, retryable: false, refused: true });
    const headers: Record<string, string> = { 'user-agent': opts.userAgent, ...kind.headers };
    if (validators?.etag) headers['if-none-match'] = validators.etag;
    if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
    const deadline = requestDeadline(opts.requestDeadlineMs, opts.signal);
    try {
      const request = tagged(
        {
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method: 'GET' as const,
          headers,
          signal: deadline.signal,
        },
        { purpose: kind.purpose, maxBytes },
      );
      // Raced as well as passed on: a request waiting for its slot or a retry has no socket to abort yet.
      const raw = await deadline.race(async () => {
        const response = await dispatcher.request(request);
        return { response, bytes: Buffer.from(await response.body.arrayBuffer()) };
      });
      counters.total += 1;
      counters.bytes += raw.bytes.length;
      const { response } = raw;
      return () =>
        interpret(url, target, response, raw.bytes, validators, (finalUrl) =>
          kind.read(raw.bytes, response.headers, new URL(finalUrl).pathname, maxBytes),
        );
    } catch (error) {
      counters.total += 1;
      return failed(
        opts.signal?.aborted
          ? notFetched(url, opts.signal.reason)
          : describeFailure(url, deadline.reason() ?? error, opts),
      );
    } finally {
      deadline.clear();
    }
  }

  function interpret<B>(
    url: string,
    target: URL,
    response: Dispatcher.ResponseData,
    raw: Buffer,
    validators: Validators | undefined,
    read: (finalUrl: string) => Read<B>,
  ): Fetched<B> | FetchFailure {
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
    if (status >= 300 && status < 400)
      return {
        ok: false,
        url,
        status,
        error: `redirect not followed (HTTP ${status}): more than ${opts.maxRedirects} redirects, or no Location`,
        retryable: false,
      };
    if (status >= 400)
      return { ok: false, url, status, error: `HTTP ${status}`, retryable: status === 429 || status >= 500 };
    if (
      status === 200 &&
      validators &&
      ((validators.etag && validators.etag === etag) ||
        (validators.lastModified && validators.lastModified === lastModified))
    ) {
      if (!counters.validatorsIgnored)
        log(
          `warning: ${target.host} answered 200 with the validators we sent (${url}): it ignores conditional requests, so every run downloads every page`,
        );
      counters.validatorsIgnored = true;
    }
    const body = read(finalUrl);
    if (!body.ok)
      return {
        ok: false,
        url,
        status,
        error: body.error,
        retryable: false,
        ...(body.tooLarge && { tooLarge: body.tooLarge }),
      };
    const contentType = body.contentType ? { contentType: body.contentType } : {};
    return {
      ok: true,
      url,
      finalUrl,
      status,
      notModified: false,
      body: body.body,
      bytes: raw.length,
      ...contentType,
      ...validatorFields,
    };
  }

  // Every request waits for robots.txt (read once, first) and a place among the requests in flight;
  // it gives the place up once its bytes are in.
  const limit = pLimit(opts.concurrency);
  const queued = async <B>(
    url: string,
    validators: Validators | undefined,
    kind: BodyKind<B>,
    maxBytes: number,
  ): Promise<Fetched<B> | FetchFailure> => {
    const settle = await limit(async () => {
      // Past the run's deadline nothing more is sent; what is queued fails at once, with the reason.
      if (opts.signal?.aborted) return () => notFetched(url, opts.signal!.reason);
      await (robotsReady ??= loadRobots());
      return exchange(url, validators, kind, maxBytes);
    });
    return settle();
  };
  return {
    get: (url, validators) => queued(url, validators, PAGE, opts.maxBytes),
    getFile: (url, validators, options) => queued(url, validators, FILE, options?.maxBytes ?? opts.maxBytes),
    stats: () => ({ ...counters }),
    // Whatever is still in flight or waiting at close was given up on (a deadline passed while it
    // waited for a retry or a slot): destroyed, so close never waits out a 60 s Retry-After.
    close: () => {
      clear();
      return agent.destroy();
    },
  };
}

/** A request the run's signal stopped (its deadline, or the caller): worth another try next run. */
function notFetched(url: string, reason: unknown): FetchFailure {
  return {
    ok: false,
    url,
    error: `not fetched: ${reason instanceof Error ? reason.message : String(reason)}`,
    retryable: true,
  };
}
