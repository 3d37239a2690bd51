import { urlPathsOf } from '../archive/load.js';
import { normalizeUrl } from '../site/index.js';
import { discover } from '../discover/discover.js';
import { sourceReader } from '../discover/sources.js';
import { UsageError } from '../errors.js';
import type { Coverage, SyncReport } from '../report/report.js';
import type { SyncOptions } from './options.js';
import { archivedAt, bump, finishRun, runPages, setOutcome, urlKey, withRun, type Run, type RunHooks } from './run.js';
import { syncPage } from './page.js';
import { mirrorAttachments } from './attachments-step.js';

/** A whole sync of the site into the archive, under the archive's lock. */
export function sync(options: SyncOptions, hooks: RunHooks = {}): Promise<SyncReport> {
  return withRun(options, hooks, 'sync', syncAll);
}

/**
 * The recipe: discover → (per page) fetch → extract → convert → dedupe → write → attachments → report.
 * Only this function knows the order.
 */
async function syncAll(run: Run): Promise<SyncReport> {
  const { options, hooks } = run;
  const firstRead = Object.keys(run.state.sources ?? {}).length === 0 || options.full;
  // A first sync (or --full) reads and converts every page: the threads start while robots.txt and the sitemap load.
  if (firstRead) run.pool.warm();
  const discovery = await discover(options.site, run.fetcher, {
    since: options.since,
    limit: options.limit,
    // Listing pages past the newest known posts carry nothing new: discovery may stop paging there.
    // An empty archive knows none, so every page is asked for at once.
    known: run.dedupe.archive.entries.length === 0 ? undefined : (url) => archivedAt(run, url) !== undefined && run.state.urls[url] !== undefined,
    full: options.full,
    // Sitemap, listing pages and feed are asked "changed since?" like posts (validators in the state).
    read: sourceReader(run.fetcher, options.full ? undefined : (run.state.sources ??= {})),
    readListing: (job) => run.pool.listing(job),
    log: hooks.log,
  });
  run.discoveredPaths = new Set(discovery.posts.map((page) => urlKey(run, page.url)));
  run.report.discovered = discovery.posts.length;
  for (const { url, reason } of discovery.skipped) skipped(run, url, reason);
  run.report.failed.push(...discovery.failed);
  bump(run, 'discovered', discovery.posts.length);
  await runPages(run, discovery.posts, (page) => syncPage(run, page));
  accountForEvery(run, discovery.posts.map((page) => page.url));
  run.report.coverage = coverage(run, discovery.listed);
  // Missing upstream only means something when discovery saw the whole site.
  if (options.limit === undefined && discovery.failed.length === 0) markMissing(run);
  // Links are read from the archived bodies, so only once every post is written.
  await mirrorAttachments(run, 'archive');
  return finishRun(run);
}

function skipped(run: Run, url: string, reason: string): void {
  run.report.skipped.push({ url, reason });
  setOutcome(run, url, { outcome: 'skipped', reason });
}

/** Nothing the site named may vanish: a URL that reached no outcome (a stopped run) is reported as failed. */
function accountForEvery(run: Run, urls: string[]): void {
  for (const url of urls) {
    if (run.report.urls[url] !== undefined) continue;
    const reason = run.fatal ? `not processed: the run stopped (${run.fatal.message})` : 'not processed';
    run.report.failed.push({ url, error: reason });
    setOutcome(run, url, { outcome: 'failed', reason });
  }
}

/** The posts the listing names against the archive: each must have a file that answers to its URL. */
function coverage(run: Run, listed: string[]): Coverage {
  const missing = listed.filter((url) => {
    if (archivedAt(run, url)) return false;
    const path = run.report.urls[url]?.path;
    return path === undefined || !run.dedupe.archive.byPath.has(path);
  });
  return { listed: listed.length, archived: listed.length - missing.length, missing: missing.sort() };
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
    accountForEvery(run, pages.map((page) => page.url));
    await mirrorAttachments(run, 'run');
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
