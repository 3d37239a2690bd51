import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, retryVerdict } from '../src/fetch/backoff.js';
import { decodeBody } from '../src/fetch/decode.js';
import { refusalReason } from '../src/fetch/policy.js';
import { sitePage } from '../src/site/index.js';
import { resolveFetchOptions, FetchOptionError } from '../src/fetch/options.js';
import {
  loadState,
  needsFetch,
  recordFetch,
  saveState,
  stateFile,
  StateFileError,
  type CrawlState,
} from '../src/fetch/state.js';
import { formatDuration, parseDuration, RunDeadlineError } from '../src/fetch/deadline.js';
import { createFetcher, type FetchOptions, type FetchResult } from '../src/fetch/fetcher.js';
import { discover } from '../src/discover/discover.js';
import { type FaultKind, type FixtureSite, type FixtureSiteOptions } from '../fixtures/site/server.js';
import { postPath, wirePath } from '../fixtures/site/util.js';
import { FAST_FETCH, postRequests, startSite, TEST_USER_AGENT } from './helpers/site.js';
import { tempDir } from './helpers/tmp.js';

const UA = TEST_USER_AGENT;
const SITE = new URL('https://cabforum.org');
// Spacing is checked on the server's clock over a whole run. The server shares the event loop with
// the client, so under load an arrival can lag its slot by tens of ms: two intervals of slack are
// allowed over the run, and robots.txt (on the first, cold socket) is left out.
const TIMER_SLACK_MS = 2;

describe('backoff', () => {
  const settings = { retries: 3, baseRetryDelayMs: 100, maxRetryDelayMs: 1_000, maxRetryAfterMs: 5_000 };
  it('retries network errors, 429 and 5xx, not other 4xx or unknown errors', () => {
    expect(retryVerdict({ code: 'ECONNRESET' }, 1, settings, 0, () => 0)).toEqual({
      retry: true,
      delayMs: 50,
      pauseHost: false,
      retryAfter: false,
    });
    expect(retryVerdict({ statusCode: 502 }, 2, settings, 0, () => 1)).toEqual({
      retry: true,
      delayMs: 200,
      pauseHost: false,
      retryAfter: false,
    });
    expect(retryVerdict({ statusCode: 404 }, 1, settings)).toEqual({ retry: false });
    expect(retryVerdict({ statusCode: 403 }, 1, settings)).toEqual({ retry: false });
    expect(retryVerdict({ code: 'CABSYNC_REFUSED' }, 1, settings)).toEqual({ retry: false });
    expect(retryVerdict({ code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE' }, 1, settings)).toEqual({ retry: false });
    expect(retryVerdict({ code: 'ECONNRESET' }, 4, settings)).toEqual({ retry: false });
  });
  it('honours Retry-After up to the cap; a 429/503 with it pauses the host', () => {
    expect(retryVerdict({ statusCode: 429, headers: { 'retry-after': '2' } }, 1, settings)).toEqual({
      retry: true,
      delayMs: 2_000,
      pauseHost: true,
      retryAfter: true,
    });
    expect(retryVerdict({ statusCode: 503, headers: { 'retry-after': '3600' } }, 1, settings)).toEqual({
      retry: true,
      delayMs: 5_000,
      pauseHost: true,
      retryAfter: true,
    });
    expect(retryVerdict({ statusCode: 500, headers: { 'retry-after': '1' } }, 1, settings)).toEqual({
      retry: true,
      delayMs: 1_000,
      pauseHost: false,
      retryAfter: true,
    });
  });
  it('parses Retry-After seconds and dates', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
  it('grows exponentially with jitter, within the cap', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const ceiling = Math.min(100 * 2 ** (attempt - 1), 1_000);
      expect(backoffDelay(attempt, settings, () => 0)).toBe(ceiling / 2);
      expect(backoffDelay(attempt, settings, () => 1)).toBe(ceiling);
    }
  });
});

describe('durations (--max-duration)', () => {
  it('reads 45m, 1h30m, 90s, 500ms and plain seconds, and names the flag otherwise', () => {
    expect(['45m', '1h30m', '90s', '500ms', '30', '1.5h'].map((text) => parseDuration(text, '--max-duration'))).toEqual(
      [2_700_000, 5_400_000, 90_000, 500, 30_000, 5_400_000],
    );
    for (const bad of ['abc', '10x', '', '0', '5m3', '-5m', '1h 30m']) {
      expect(parseDuration(bad, '--max-duration')).toEqual({
        error: `Expected --max-duration to be a duration such as 45m, 1h30m or 90s, got ${JSON.stringify(bad)}`,
      });
    }
  });
  it('prints a duration the way the flag is written', () => {
    expect([300, 90_000, 2_700_000, 5_400_000].map(formatDuration)).toEqual(['300ms', '1m30s', '45m', '1h30m']);
  });
});

describe('decodeBody', () => {
  const html = '<html><head><meta charset="windows-1252"></head><body>caf\xe9</body></html>';
  it('takes the charset from the header, else from <meta charset>', () => {
    expect(
      decodeBody(Buffer.from('<p>café</p>'), { 'content-type': 'text/html; charset=UTF-8' }, '/x/', 1e6),
    ).toMatchObject({ ok: true, text: '<p>café</p>' });
    expect(decodeBody(Buffer.from(html, 'latin1'), { 'content-type': 'text/html' }, '/x/', 1e6)).toMatchObject({
      ok: true,
      text: expect.stringContaining('café'),
    });
  });
  it('decodes bytes 0x80–0x9F of windows-1252 (and its alias iso-8859-1) as the WHATWG index says', () => {
    const bytes = Buffer.from([0x93, 0x80, 0x20, 0x96, 0x20, 0x85, 0x94, 0x9f, 0x81]);
    for (const charset of ['windows-1252', 'iso-8859-1', 'latin1']) {
      expect(decodeBody(bytes, { 'content-type': `text/html; charset=${charset}` }, '/x/', 1e6)).toMatchObject({
        ok: true,
        text: '“€ – …”Ÿ\x81',
      });
    }
  });
  it('undoes gzip and brotli, and gunzips a .xml.gz file', () => {
    expect(
      decodeBody(gzipSync('<p>hi</p>'), { 'content-encoding': 'gzip', 'content-type': 'text/html' }, '/x/', 1e6),
    ).toMatchObject({ text: '<p>hi</p>' });
    expect(
      decodeBody(
        brotliCompressSync('<p>hi</p>'),
        { 'content-encoding': 'br', 'content-type': 'text/html' },
        '/x/',
        1e6,
      ),
    ).toMatchObject({ text: '<p>hi</p>' });
    expect(decodeBody(gzipSync('<urlset/>'), { 'content-type': 'application/gzip' }, '/s.xml.gz', 1e6)).toMatchObject({
      ok: true,
      text: '<urlset/>',
    });
  });
  it('names the cause of a body it refuses', () => {
    expect(
      decodeBody(Buffer.from([0x3c, 0xff, 0xfe]), { 'content-type': 'text/html; charset=utf-8' }, '/x/', 1e6),
    ).toEqual({ ok: false, error: 'invalid utf-8 bytes in body' });
    expect(decodeBody(Buffer.alloc(8), { 'content-type': 'image/png' }, '/x/', 1e6)).toEqual({
      ok: false,
      error: 'wrong content type image/png for a HTML page',
    });
    expect(
      decodeBody(Buffer.from('x'), { 'content-type': 'text/html', 'content-encoding': 'zstd-ish' }, '/x/', 1e6),
    ).toMatchObject({ ok: false, error: 'unsupported Content-Encoding zstd-ish' });
    expect(
      decodeBody(
        gzipSync(Buffer.alloc(5000)),
        { 'content-encoding': 'gzip', 'content-type': 'text/html' },
        '/x/',
        1000,
      ),
    ).toMatchObject({ ok: false, error: 'body larger than 1000 bytes once decompressed' });
  });
});

describe('policy and options', () => {
  it('refuses off-host URLs, uploads and non-HTML files', () => {
    expect(refusalReason(new URL('https://cabforum.org/2022/11/03/a/'), SITE)).toBeUndefined();
    expect(refusalReason(new URL('https://cabforum.org/sitemap.xml'), SITE)).toBeUndefined();
    expect(refusalReason(new URL('https://github.com/cabforum/servercert'), SITE)).toBe('off the configured host');
    // The same "same site" rule as links (src/site/url.ts): www. is the site, another port is not.
    expect(refusalReason(new URL('https://www.cabforum.org/2022/11/03/a/'), SITE)).toBeUndefined();
    expect(refusalReason(new URL('https://cabforum.org:8443/2022/11/03/a/'), SITE)).toBe('off the configured host');
    expect(refusalReason(new URL('https://cabforum.org/uploads/BR-v2.pdf'), SITE)).toMatch(/upload/);
    expect(refusalReason(new URL('https://cabforum.org/files/x.pdf'), SITE)).toMatch(/not an HTML/);
  });
  it('validates options once, naming the flag', () => {
    expect(resolveFetchOptions({ userAgent: UA })).toMatchObject({
      concurrency: 4,
      rateMs: 250,
      maxBytes: 10 * 1024 * 1024,
      maxRedirects: 5,
    });
    expect(() => resolveFetchOptions({ userAgent: UA, concurrency: 0 })).toThrow(FetchOptionError);
    expect(() => resolveFetchOptions({ userAgent: UA, concurrency: 0 })).toThrow(/--concurrency/);
    expect(() => resolveFetchOptions({ userAgent: UA, rateMs: -1 })).toThrow(/--rate/);
  });
});

describe('state file', () => {
  it('is empty when missing, round-trips, and names the file when corrupt', async () => {
    const dir = await tempDir('cabsync-state-');
    expect(await loadState(dir)).toEqual({ version: 1, urls: {}, sources: {} });
    const state: CrawlState = {
      version: 1,
      urls: {
        'https://cabforum.org/b/': { fetchedAt: '2024-01-01T00:00:00.000Z', etag: '"x"' },
        'https://cabforum.org/a/': { fetchedAt: '2024-01-02T00:00:00.000Z' },
      },
      sources: {},
    };
    await saveState(dir, state);
    expect(await loadState(dir)).toEqual(state);
    expect(Object.keys(JSON.parse(await readFile(stateFile(dir), 'utf8')).urls)).toEqual([
      'https://cabforum.org/a/',
      'https://cabforum.org/b/',
    ]);
    await writeFile(stateFile(dir), '{"version":1,"urls":');
    await expect(loadState(dir)).rejects.toThrow(StateFileError);
    await expect(loadState(dir)).rejects.toThrow(stateFile(dir));
    await writeFile(stateFile(dir), '{"version":2,"urls":{}}');
    await expect(loadState(dir)).rejects.toThrow(/version 1/);
  });
  it('skips a post whose sitemap lastmod is not newer than at its last fetch', () => {
    const url = 'https://cabforum.org/2022/11/03/a/';
    const state: CrawlState = {
      version: 1,
      urls: { [url]: { fetchedAt: '2024-01-01T00:00:00.000Z', lastmod: '2023-06-01T00:00:00Z', status: 200 } },
    };
    expect(needsFetch(state, { ...sitePage(url), hints: {}, lastmod: '2023-06-01T00:00:00Z' }, false)).toBe(false);
    expect(needsFetch(state, { ...sitePage(url), hints: {}, lastmod: '2023-06-01T00:00:00Z' }, true)).toBe(true);
    expect(needsFetch(state, { ...sitePage(url), hints: {}, lastmod: '2023-06-02T00:00:00Z' }, false)).toBe(true);
    expect(needsFetch(state, { ...sitePage(url), hints: {} }, false)).toBe(true);
    expect(
      needsFetch(state, { ...sitePage('https://cabforum.org/new/'), hints: {}, lastmod: '2020-01-01' }, false),
    ).toBe(true);
    const failed: CrawlState = {
      version: 1,
      urls: { [url]: { fetchedAt: '2024-01-01T00:00:00.000Z', lastmod: '2023-06-01T00:00:00Z', status: 500 } },
    };
    expect(needsFetch(failed, { ...sitePage(url), hints: {}, lastmod: '2023-06-01T00:00:00Z' }, false)).toBe(true);
  });
  it('records validators, keeps them across a 304, ignores failures', () => {
    const url = 'https://cabforum.org/a/';
    const ok: FetchResult = {
      ok: true,
      url,
      finalUrl: url,
      status: 200,
      notModified: false,
      body: 'x',
      etag: '"1"',
      lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT',
      bytes: 1,
    };
    const first = recordFetch({ version: 1, urls: {} }, ok, '2023-01-01', new Date('2024-01-01T00:00:00Z'));
    expect(first.urls[url]).toEqual({
      fetchedAt: '2024-01-01T00:00:00.000Z',
      status: 200,
      etag: '"1"',
      lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT',
      lastmod: '2023-01-01',
    });
    const second = recordFetch(
      first,
      { ok: true, url, finalUrl: url, status: 304, notModified: true, bytes: 0 },
      '2023-01-01',
      new Date('2024-02-01T00:00:00Z'),
    );
    expect(second.urls[url]).toMatchObject({ etag: '"1"', status: 304, fetchedAt: '2024-02-01T00:00:00.000Z' });
    expect(recordFetch(second, { ok: false, url, error: 'HTTP 500', retryable: true })).toBe(second);
  });
});

describe('fetcher against the fixture site', () => {
  // Tighter than the shared settings: a fault outlasts 2 retries, a stalled body times out in half a second.
  const TIGHT: Partial<FetchOptions> = { retries: 2, maxRetryDelayMs: 20, maxRetryAfterMs: 100, bodyTimeoutMs: 500 };
  const start = (siteOptions: FixtureSiteOptions = {}, fetchOptions: Partial<FetchOptions> = {}) =>
    startSite(siteOptions, { ...TIGHT, ...fetchOptions });
  const urlsOf = (s: FixtureSite): string[] => s.posts.map((p) => s.url + wirePath(postPath(p)));
  /** n request starts, in server-log order, span at least n - 3 intervals. */
  const expectSpacing = (times: number[], interval: number): void => {
    expect(times.length).toBeGreaterThan(5);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((times.length - 3) * interval - TIMER_SLACK_MS);
  };

  it('reads robots.txt first, sends its User-Agent, and decodes compressed pages', async () => {
    const { site, fetcher } = await start();
    const result = await fetcher.get(urlsOf(site)[0]!);
    expect(result).toMatchObject({ ok: true, status: 200, notModified: false, body: expect.stringContaining('<h1>') });
    expect(site.log.map((e) => e.path)[0]).toBe('/robots.txt');
    expect(site.log.every((e) => e.userAgent === UA && e.acceptEncoding === 'gzip, br')).toBe(true);
  });

  it('honours robots.txt Disallow and Crawl-delay', async () => {
    const { site, fetcher } = await start({ robotsTxt: 'User-agent: *\nDisallow: /2025/\nCrawl-delay: 0.04\n' });
    const urls = urlsOf(site);
    const results = await Promise.all(urls.slice(0, 12).map((url) => fetcher.get(url)));
    const refused = results.filter((r) => !r.ok);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused)
      expect(r).toMatchObject({
        ok: false,
        retryable: false,
        error: expect.stringContaining('disallowed by robots.txt'),
      });
    expect(site.log.some((e) => e.path.startsWith('/2025/'))).toBe(false);
    expectSpacing(
      site.log.slice(1).map((e) => e.time),
      40,
    );
  });

  it('keeps the per-host interval between request starts', async () => {
    const { site, fetcher } = await start({}, { rateMs: 25, concurrency: 4 });
    await Promise.all(
      urlsOf(site)
        .slice(0, 8)
        .map((url) => fetcher.get(url)),
    );
    expect(site.log).toHaveLength(9);
    expectSpacing(
      site.log.slice(1).map((e) => e.time),
      25,
    );
  });

  it('never exceeds the concurrency bound', async () => {
    const { site, fetcher } = await start({ latencyMs: 30 }, { concurrency: 3 });
    const results = await Promise.all(urlsOf(site).map((url) => fetcher.get(url)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(site.maxInFlight()).toBeLessThanOrEqual(3);
    expect(site.maxInFlight()).toBeGreaterThan(1);
  });

  it('keeps a spare connection for each place among the requests in flight, and no more', async () => {
    // undici hands a keep-alive socket back only a loop turn after its answer ends: the request
    // taking the freed place goes out on a spare socket instead of waiting for that turn.
    const { site, fetcher } = await start({ latencyMs: 10 }, { concurrency: 3, rateMs: 0 });
    const results = await Promise.all(urlsOf(site).map((url) => fetcher.get(url)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(site.maxInFlight()).toBeLessThanOrEqual(3);
    expect(site.connections()).toBeGreaterThan(3);
    expect(site.connections()).toBeLessThanOrEqual(6);
  });

  const TRANSIENT: FaultKind[] = ['latency', '429', '503', 'reset', 'stall', 'truncate'];
  const PERMANENT: [FaultKind, RegExp][] = [
    ['redirect-loop', /redirect loop/],
    ['oversize', /larger than 1000000 bytes/],
    ['wrong-type', /wrong content type image\/png/],
    ['bad-utf8', /invalid utf-8/],
  ];

  it('retries each transient fault to success and reports each permanent one, while the other URLs complete', async () => {
    const { site, fetcher } = await start({}, { maxBytes: 1_000_000 });
    const urls = urlsOf(site);
    // Fault paths are matched against the decoded request path, as the server sees it.
    const paths = site.posts.map((post) => postPath(post));
    const kinds = [...TRANSIENT, ...PERMANENT.map(([kind]) => kind)];
    site.setFaults(
      kinds.map((kind, i) => ({
        path: paths[i]!,
        kind,
        times: kind === 'latency' || kind === 'stall' ? 1 : 2,
        ms: kind === 'stall' ? 5_000 : 20,
        retryAfter: 1,
        bytes: 3_000_000,
      })),
    );
    const results = await Promise.all(urls.map((url) => fetcher.get(url)));
    kinds.forEach((kind, i) => {
      const permanent = PERMANENT.find(([k]) => k === kind);
      if (permanent)
        expect(results[i], kind).toMatchObject({
          ok: false,
          retryable: false,
          error: expect.stringMatching(permanent[1]),
        });
      else expect(results[i], kind).toMatchObject({ ok: true, status: 200, body: expect.stringContaining('</html>') });
    });
    expect(results.slice(kinds.length).every((r) => r.ok)).toBe(true);
    // Two attempts lost to each of 429, 503, reset and truncate, one to stall.
    expect(fetcher.stats().retries).toBeGreaterThanOrEqual(2 * 4 + 1);
  });

  it('completes a whole crawl through seeded random transient faults', async () => {
    const { site, fetcher } = await start(
      { randomFaults: { seed: 7, rate: 0.3, kinds: ['429', '503', 'reset', 'truncate', 'latency'] } },
      { retries: 6 },
    );
    const found = await discover(new URL(site.url), fetcher, {});
    const results = await Promise.all(found.posts.map((post) => fetcher.get(post.url)));
    // Every post, plus the three static pages the sitemap lists (judged by their page in a sync).
    expect(found.posts).toHaveLength(site.posts.length + 3);
    expect(found.listed).toHaveLength(site.posts.length);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(site.log.some((e) => e.fault !== undefined)).toBe(true);
  });

  it('reports a fault that outlasts the retries, naming its cause', async () => {
    const { site, fetcher } = await start();
    const [a, b, c] = urlsOf(site).map((url) => new URL(url).pathname);
    site.setFaults([
      { path: a!, kind: '503' },
      { path: b!, kind: 'reset' },
      { path: c!, kind: 'truncate' },
    ]);
    const [r503, reset, truncated] = await Promise.all([a, b, c].map((path) => fetcher.get(site.url + path)));
    expect(r503).toEqual({
      ok: false,
      url: site.url + a,
      status: 503,
      error: 'HTTP 503 after 2 retries',
      retryable: true,
    });
    expect(reset).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('ECONNRESET') });
    expect(truncated).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('body cut short') });
    expect(site.log.filter((e) => e.path === a)).toHaveLength(3);
  });

  it('pauses the whole host after a 429 with Retry-After', async () => {
    const { site, fetcher } = await start({}, { maxRetryAfterMs: 150 });
    const urls = urlsOf(site);
    site.setFaults([{ path: new URL(urls[0]!).pathname, kind: '429', times: 1, retryAfter: 5 }]);
    const first = fetcher.get(urls[0]!);
    // Requests already on the wire cannot be recalled; the pause applies from the moment the 429 is read.
    while (fetcher.stats().retries === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const rest = await Promise.all(urls.slice(1, 6).map((url) => fetcher.get(url)));
    expect(await first).toMatchObject({ ok: true });
    expect(rest.every((r) => r.ok)).toBe(true);
    const limited = site.log.find((e) => e.status === 429)!;
    const after = site.log.filter((e) => e.time > limited.time);
    expect(after.length).toBe(6);
    for (const entry of after) expect(entry.time - limited.end).toBeGreaterThanOrEqual(150 - TIMER_SLACK_MS);
  });

  it('ends a GET at its deadline when the server drips a byte at a time, and the other URLs complete', async () => {
    const { site, fetcher } = await start({}, { requestDeadlineMs: 800 });
    const [drip, ...rest] = urlsOf(site).slice(0, 4);
    site.setFaults([{ path: new URL(drip!).pathname, kind: 'drip', ms: 100 }]);
    const started = Date.now();
    const [dripped, ...others] = await Promise.all([drip, ...rest].map((url) => fetcher.get(url!)));
    expect(dripped).toMatchObject({
      ok: false,
      retryable: true,
      error: 'no complete answer within 0.8 s (the deadline of one request)',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(others.every((r) => r.ok)).toBe(true);
  });

  it('holds robots.txt to the deadline too', async () => {
    const { site, fetcher } = await start(
      { faults: [{ path: '/robots.txt', kind: 'drip', ms: 100 }] },
      { requestDeadlineMs: 500 },
    );
    const started = Date.now();
    const result = await fetcher.get(urlsOf(site)[0]!);
    expect(result).toMatchObject({ ok: false, refused: true });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("stops waiting for Retry-After once the run's budget is spent", async () => {
    const { site, fetcher } = await start({}, { maxRetryAfterMs: 1_000, retryAfterBudgetMs: 600, retries: 4 });
    const urls = urlsOf(site).slice(0, 3);
    site.setFaults(urls.map((url) => ({ path: new URL(url).pathname, kind: '429' as const, retryAfter: 0.25 })));
    const started = Date.now();
    const results = await Promise.all(urls.map((url) => fetcher.get(url)));
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const result of results)
      expect(result).toMatchObject({
        ok: false,
        status: 429,
        retryable: true,
        error: expect.stringContaining('Retry-After budget (1 s)'),
      });
  });

  it('after the run is aborted, fails what is in flight and sends nothing more, naming the reason', async () => {
    const run = new AbortController();
    const { site, fetcher } = await start({}, { signal: run.signal, concurrency: 1 });
    const urls = urlsOf(site).slice(0, 5);
    site.setFaults([{ path: new URL(urls[0]!).pathname, kind: 'drip', ms: 100 }]);
    const pending = Promise.all(urls.map((url) => fetcher.get(url)));
    setTimeout(() => run.abort(new RunDeadlineError(300)), 300);
    const results = await pending;
    for (const result of results)
      expect(result).toMatchObject({
        ok: false,
        retryable: true,
        error: "not fetched: the run's deadline (--max-duration 300ms) passed",
      });
    expect(postRequests(site.log)).toHaveLength(1);
  });

  it('does not retry a 404', async () => {
    const { site, fetcher } = await start();
    expect(await fetcher.get(`${site.url}/2020/01/01/no-such-post/`)).toEqual({
      ok: false,
      url: `${site.url}/2020/01/01/no-such-post/`,
      status: 404,
      error: 'HTTP 404',
      retryable: false,
    });
    expect(site.log.filter((e) => e.status === 404)).toHaveLength(1);
  });

  it('never requests off-host URLs or PDFs, not even through a redirect', async () => {
    const { site, fetcher } = await start({
      rawPages: { '/elsewhere/': { status: 302, body: '', headers: { location: 'https://example.com/' } } },
    });
    expect(await fetcher.get('https://github.com/cabforum/servercert')).toMatchObject({
      ok: false,
      retryable: false,
      error: 'refused: off the configured host',
    });
    expect(await fetcher.get(`${site.url}/uploads/CA-Browser-Forum-BR-v2.0.0.pdf`)).toMatchObject({
      ok: false,
      error: expect.stringContaining('upload'),
    });
    expect(await fetcher.get(`${site.url}/elsewhere/`)).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining('off the configured host'),
    });
    expect(site.log.some((e) => e.path.startsWith('/uploads/'))).toBe(false);
  });

  it('follows a same-host redirect and reports the final URL', async () => {
    const { site, fetcher } = await start();
    const url = urlsOf(site)[0]!;
    const result = await fetcher.get(url.slice(0, -1));
    expect(result).toMatchObject({ ok: true, status: 200, finalUrl: url });
  });

  it('sends validators and takes a 304 as unchanged, with no body', async () => {
    const { site, fetcher } = await start();
    const url = urlsOf(site)[0]!;
    const first = await fetcher.get(url);
    if (!first.ok) throw new Error(first.error);
    const second = await fetcher.get(url, { etag: first.etag, lastModified: first.lastModified });
    expect(second).toMatchObject({ ok: true, status: 304, notModified: true, etag: first.etag });
    expect(second.ok && second.body).toBeUndefined();
    expect(site.log.at(-1)).toMatchObject({
      status: 304,
      bytes: 0,
      ifNoneMatch: first.etag,
      ifModifiedSince: first.lastModified,
    });
    expect(fetcher.stats()).toMatchObject({ notModified: 1, validatorsIgnored: false });
  });

  it('warns once when the server ignores validators', async () => {
    const warnings: string[] = [];
    const { site, fetcher } = await start({ ignoreValidators: true }, { log: (m) => warnings.push(m) });
    for (const url of urlsOf(site).slice(0, 3)) {
      const first = await fetcher.get(url);
      if (!first.ok) throw new Error(first.error);
      expect(await fetcher.get(url, { etag: first.etag })).toMatchObject({ ok: true, status: 200, notModified: false });
    }
    expect(fetcher.stats().validatorsIgnored).toBe(true);
    expect(warnings.filter((w) => w.includes('ignores conditional requests'))).toHaveLength(1);
  });

  it('fetches nothing when robots.txt answers 5xx, as RFC 9309 says', async () => {
    const { site, fetcher } = await start({ faults: [{ path: '/robots.txt', kind: '503' }] });
    expect(await fetcher.get(urlsOf(site)[0]!)).toMatchObject({
      ok: false,
      error: expect.stringContaining('robots.txt unavailable'),
    });
    expect(site.log.every((e) => e.path === '/robots.txt')).toBe(true);
  });

  it('makes a second run conditional, or skips it by lastmod, and downloads no post body', async () => {
    const archive = await tempDir('cabsync-crawl-');
    const { site } = await start();
    const crawl = async (full: boolean): Promise<void> => {
      const run = createFetcher(new URL(site.url), { userAgent: UA, ...FAST_FETCH, ...TIGHT });
      let state = await loadState(archive);
      const found = await discover(new URL(site.url), run, {});
      for (const post of found.posts) {
        if (!needsFetch(state, post, full)) continue;
        const previous = state.urls[post.url];
        const result = await run.get(
          post.url,
          previous && { etag: previous.etag, lastModified: previous.lastModified },
        );
        state = recordFetch(state, result, post.lastmod);
      }
      await saveState(archive, state);
      await run.close();
    };
    await crawl(false);
    expect(postRequests(site.log).filter((e) => e.status === 200)).toHaveLength(site.posts.length);

    let mark = site.log.length;
    await crawl(false);
    expect(postRequests(site.log.slice(mark))).toEqual([]);

    mark = site.log.length;
    await crawl(true);
    const conditional = postRequests(site.log.slice(mark));
    expect(conditional).toHaveLength(site.posts.length);
    for (const entry of conditional)
      expect(entry).toMatchObject({ status: 304, bytes: 0, ifNoneMatch: expect.any(String) });
  });
});
