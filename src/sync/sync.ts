import { urlPathKey, urlPathsOf } from '../archive/load.js';
import { discover } from '../discover/discover.js';
import { normalizeUrl } from '../discover/normalize-url.js';
import { UsageError } from '../errors.js';
import type { SyncReport } from '../report/report.js';
import type { SyncOptions } from './options.js';
import { bump, finishRun, runPages, withRun, type Run, type RunHooks } from './run.js';
import { syncPage } from './page.js';

/** A whole sync of the site into the archive, under the archive's lock. */
export function sync(options: SyncOptions, hooks: RunHooks = {}): Promise<SyncReport> {
  return withRun(options, hooks, 'sync', syncAll);
}

/**
 * The recipe: discover → (per page) fetch → extract → convert → dedupe → write → report.
 * Only this function knows the order.
 */
async function syncAll(run: Run): Promise<SyncReport> {
  const { options, hooks } = run;
  const discovery = await discover(options.site, run.fetcher, {
    since: options.since,
    limit: options.limit,
    // Listing pages past the newest known posts carry nothing new: discovery may stop paging there.
    known: (url) => run.dedupe.archive.byUrlPath.has(urlPathKey(url)) && run.state.urls[url] !== undefined,
    full: options.full,
    log: hooks.log,
  });
  run.discoveryAliases = discovery.aliases;
  run.discoveredPaths = new Set(discovery.posts.map((page) => urlPathKey(page.url)));
  run.report.discovered = discovery.posts.length;
  run.report.skipped.push(...discovery.skipped);
  run.report.failed.push(...discovery.failed);
  bump(run, 'discovered', discovery.posts.length);
  await runPages(run, discovery.posts, (page) => syncPage(run, page));
  // Missing upstream only means something when discovery saw the whole site.
  if (options.limit === undefined && discovery.failed.length === 0) markMissing(run);
  return finishRun(run);
}

/** The sync pipeline for named pages only (a post URL, an old alias URL, any page of the site). */
export async function fetchUrls(urls: string[], options: SyncOptions, hooks: RunHooks = {}): Promise<SyncReport> {
  const pages = urls.map((url) => {
    const normalized = normalizeUrl(url, options.site);
    if (!normalized) throw new UsageError(`URL is not on ${options.site.origin}: ${url}`);
    return { url: normalized, hints: {} };
  });
  return withRun({ ...options, full: true }, hooks, 'fetch', async (run) => {
    run.report.discovered = pages.length;
    await runPages(run, pages, (page) => syncPage(run, page));
    return finishRun(run);
  });
}

function markMissing(run: Run): void {
  const since = run.options.since;
  for (const entry of run.dedupe.archive.entries) {
    if (run.present.has(entry.path) || (since !== undefined && entry.day < since)) continue;
    // A file written this run is present by definition; so is one whose URL was discovered.
    if (urlPathsOf(entry).some((path) => run.discoveredPaths?.has(path))) continue;
    run.report.missingUpstream.push(entry.path);
  }
}
