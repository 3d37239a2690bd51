import { afterEach } from 'vitest';
import {
  startFixtureSite,
  type FixtureSite,
  type FixtureSiteOptions,
  type RequestLogEntry,
} from '../../fixtures/site/server.js';
import { isPermalinkShaped } from '../../src/site/index.js';
import { createFetcher, type Fetcher, type FetchOptions } from '../../src/fetch/fetcher.js';
import { resolveSyncOptions, type SyncOptions } from '../../src/sync/options.js';

const sites: FixtureSite[] = [];
const fetchers: Fetcher[] = [];

/** A fixture site on 127.0.0.1, closed after the test. */
export async function fixtureSite(options: FixtureSiteOptions = {}): Promise<FixtureSite> {
  const site = await startFixtureSite({ idleTimeoutMs: 60_000, ...options });
  sites.push(site);
  return site;
}

/** A fetcher for a fixture site, closed after the test. */
export function siteFetcher(site: FixtureSite, options: Partial<FetchOptions> & { userAgent: string }): Fetcher {
  const fetcher = createFetcher(new URL(site.url), options);
  fetchers.push(fetcher);
  return fetcher;
}

afterEach(async () => {
  while (fetchers.length > 0) await fetchers.pop()!.close();
  while (sites.length > 0) await sites.pop()!.close();
});

/** Fetch settings that keep retries and politeness short in tests. */
export const FAST_FETCH = {
  rateMs: 0,
  retries: 3,
  baseRetryDelayMs: 5,
  maxRetryDelayMs: 50,
  maxRetryAfterMs: 1_000,
  connectTimeoutMs: 2_000,
  headersTimeoutMs: 2_000,
  bodyTimeoutMs: 2_000,
};

/** The User-Agent of test fetchers. */
export const TEST_USER_AGENT = 'cabsync/0.0.0-test (+https://github.com/cabsync/cabsync)';

/** A fixture site and a fetcher on it ({@link FAST_FETCH} unless `fetchOptions` say otherwise), both closed after the test. */
export async function startSite(
  siteOptions: FixtureSiteOptions = {},
  fetchOptions: Partial<FetchOptions> = {},
): Promise<{ site: FixtureSite; fetcher: Fetcher; url: URL }> {
  const site = await fixtureSite({ idleTimeoutMs: 20_000, ...siteOptions });
  const fetcher = siteFetcher(site, { userAgent: TEST_USER_AGENT, ...FAST_FETCH, ...fetchOptions });
  return { site, fetcher, url: new URL(site.url) };
}

/** The requests of a site's log for post pages, as the identity module (src/site) tells a post path. */
export function postRequests(log: readonly RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((entry) => isPermalinkShaped(requestPath(entry)));
}

/** The decoded path of a logged request, without its query. */
export function requestPath(entry: RequestLogEntry): string {
  const path = entry.path.split(/[?#]/, 1)[0]!;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Sync options for a test run against a fixture site: no rate limit, short retries. */
export function syncOptions(site: string, archive: string, extra: Partial<SyncOptions> = {}): SyncOptions {
  return { ...resolveSyncOptions({ site, archive, rate: 0 }), fetch: FAST_FETCH, ...extra };
}
