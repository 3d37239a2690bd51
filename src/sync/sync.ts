import { urlPathsOf, type ArchiveEntry } from '../archive/load.js';
import { normalizeUrl, sitePage } from '../site/index.js';
import { discover, type DiscoveredPost, type Discovery } from '../discover/discover.js';
import { sourceReader } from '../discover/sources.js';
import { UsageError } from '../errors.js';
import type { Coverage, SyncReport } from '../report/report.js';
import type { SyncOptions } from './options.js';
import { accountForEvery, archivedAt, finishRun, runPages, urlKey, withRun, type Run, type RunHooks } from './run.js';
import { takePage } from './page.js';
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
  const { options, hooks, state } = run;
  const firstRead = Object.keys(state.sources ?? {}).length === 0 || options.full;
  // A first sync (or --full) reads and converts every page: the threads start while robots.txt and the sitemap load.
  if (firstRead) run.pool.warm();
  const share = listingShare(run);
  const discovery = await discover(options.site, run.fetcher, {
    since: options.since,
    limit: options.limit,
    maxUrls: options.maxUrls,
    stateUrls: { has: (url) => state.urls[url] !== undefined, size: Object.keys(state.urls).length },
    // Listing pages past the newest known posts carry nothing new: discovery may stop paging there.
    // An empty archive knows none, so every page is asked for at once. A post written while the
    // listing was down is not known yet: its listing entry (the author) is still to be read.
    known:
      run.dedupe.archive.entries.length === 0
        ? undefined
        : (url) => archivedAt(run, url) !== undefined && state.urls[url] !== undefined && !state.urls[url].unlisted,
    full: options.full,
    knownFeeds: state.feeds,
    ...(share && { listingShare: share }),
    // Sitemap, listing pages and feed are asked "changed since?" like posts (validators in the state).
    read: sourceReader(run.fetcher, options.full ? undefined : (state.sources ??= {})),
    readListing: (job) => run.pool.listing(job),
    log: hooks.log,
  });
  rememberFeeds(run, discovery);
  run.plan = {
    pages: new Map(discovery.posts.map((page) => [page.url, page])),
    keys: new Set(discovery.posts.map((page) => page.key)),
    revalidate: revalidationTurn(run, discovery.posts),
    listingDown: !discovery.listingOk,
  };
  const { ledger } = run;
  const { report } = ledger;
  ledger.discovery(discovery);
  // Whether a post is gone from the site can only be told when discovery saw all of it.
  const notChecked = missingNotChecked(run, discovery);
  // URLs the site stopped naming go first: a retitled post's old URL says (by redirecting) where it went,
  // and a post seen gone may then be matched under its new URL.
  const vanished = notChecked === undefined ? vanishedPages(run) : [];
  await runPages(run, vanished, (page) => takePage(run, page));
  await runPages(run, discovery.posts, (page) => takePage(run, page));
  accountForEvery(
    run,
    discovery.posts.map((page) => page.url),
  );
  report.discovered = discovery.posts.length - ledger.notPosts;
  report.notPosts = ledger.notPosts;
  report.coverage = discovery.listingOk ? coverage(run, discovery.listed) : undefined;
  if (notChecked === undefined) markMissing(run);
  else {
    report.missingUpstream = null;
    report.missingUpstreamNotChecked = notChecked;
  }
  report.revalidation = revalidationReport(run);
  if (!options.dryRun) state.runs = (state.runs ?? 0) + 1;
  // Links are read from the archived bodies, so only once every post is written.
  await mirrorAttachments(run, 'archive');
  return finishRun(run);
}

/** Why missing upstream cannot be told this run, or undefined when it can. */
function missingNotChecked(run: Run, discovery: Discovery): string | undefined {
  if (run.options.limit !== undefined) return '--limit: discovery stopped at the newest posts';
  if (!discovery.complete) {
    const failed = discovery.failed.map((f) => f.url);
    return failed.length > 0
      ? `discovery could not read ${failed.join(', ')}`
      : 'discovery was incomplete (an empty sitemap or listing)';
  }
  // The archive's posts the site did not name this run: one of them may come back under a new URL.
  run.dedupe.gone = new Set(unseen(run).map((entry) => entry.path));
  return undefined;
}

/** The feeds a run read are remembered for a run whose listing (which announces them) is down. */
function rememberFeeds(run: Run, discovery: Discovery): void {
  const read = discovery.feeds.filter((url) => !discovery.failed.some((f) => f.url === url));
  if (read.length > 0) run.state.feeds = read;
}

/**
 * The state's post URLs the site no longer names, whose post no source names under any URL either:
 * each is asked once what it is now (see {@link DiscoveredPost.vanished}).
 */
function vanishedPages(run: Run): DiscoveredPost[] {
  const gone = run.dedupe.gone ?? new Set<string>();
  const pages: DiscoveredPost[] = [];
  for (const [url, entry] of Object.entries(run.state.urls)) {
    if (entry.path === undefined || entry.notPost || entry.gone || !gone.has(entry.path)) continue;
    if (run.plan.keys.has(urlKey(run, url))) continue;
    pages.push({ ...sitePage(url), hints: entry.hints ?? {}, vanished: true });
  }
  return pages;
}

/**
 * The known posts whose turn it is to be re-downloaded: the least recently checked share of them
 * (`--revalidate`), at least one, so every post is checked once in 1/share runs.
 */
function revalidationTurn(run: Run, pages: DiscoveredPost[]): Set<string> {
  const { revalidate, full } = run.options;
  if (!(revalidate > 0) || full) return new Set();
  const known = pages.filter((page) => {
    const entry = run.state.urls[page.url];
    return entry?.path !== undefined && !entry.notPost && archivedAt(run, page.url) !== undefined;
  });
  const turn = Math.min(known.length, Math.max(1, Math.ceil(known.length * revalidate)));
  const checked = (page: DiscoveredPost): number => Date.parse(run.state.urls[page.url]!.fetchedAt) || 0;
  known.sort((a, b) => checked(a) - checked(b) || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  return new Set(known.slice(0, turn).map((page) => page.url));
}

/** The listing pages a run rereads past where paging stops: one share in turn, as many shares as runs per cycle. */
function listingShare(run: Run): { part: number; of: number } | undefined {
  const { revalidate, full } = run.options;
  if (!(revalidate > 0) || full) return undefined;
  return { part: run.state.runs ?? 0, of: Math.max(1, Math.round(1 / revalidate)) };
}

function revalidationReport(run: Run): SyncReport['revalidation'] {
  let oldest: string | undefined;
  for (const entry of Object.values(run.state.urls)) {
    if (entry.path === undefined || entry.notPost || entry.gone) continue;
    if (oldest === undefined || entry.fetchedAt < oldest) oldest = entry.fetchedAt;
  }
  const revalidated = [...run.plan.revalidate].filter(
    (url) => run.ledger.report.urls[url]?.outcome !== 'failed',
  ).length;
  return { share: run.options.revalidate, revalidated, ...(oldest !== undefined && { oldestCheckedAt: oldest }) };
}

/** The posts the listing names against the archive: each must have a file that answers to its URL. */
function coverage(run: Run, listed: string[]): Coverage {
  const missing = listed.filter((url) => {
    if (archivedAt(run, url)) return false;
    const path = run.ledger.report.urls[url]?.path;
    return path === undefined || !run.dedupe.archive.byPath.has(path);
  });
  return { listed: listed.length, archived: listed.length - missing.length, missing: missing.sort() };
}

/** The sync pipeline for named pages only (a post URL, an old alias URL, any page of the site). */
export async function fetchUrls(urls: string[], options: SyncOptions, hooks: RunHooks = {}): Promise<SyncReport> {
  const pages = urls.map((url) => {
    const normalized = normalizeUrl(url, options.site);
    if (!normalized) throw new UsageError(`URL is not on ${options.site.origin}: ${url}`);
    return { ...sitePage(normalized), hints: {} };
  });
  return withRun({ ...options, full: true }, hooks, 'fetch', async (run) => {
    const { report } = run.ledger;
    report.discovered = pages.length;
    // A fetch by hand looks at the named pages only: whether posts are gone upstream is not its question.
    report.missingUpstream = null;
    report.missingUpstreamNotChecked = 'cabsync fetch looks at the URLs given only';
    await runPages(run, pages, (page) => takePage(run, page));
    accountForEvery(
      run,
      pages.map((page) => page.url),
    );
    await mirrorAttachments(run, 'run');
    return finishRun(run);
  });
}

/** Archive posts none of whose URLs discovery named (within `--since`, when given). */
function unseen(run: Run): ArchiveEntry[] {
  const since = run.options.since;
  return run.dedupe.archive.entries.filter((entry) => {
    if (since !== undefined && entry.day < since) return false;
    return !urlPathsOf(entry).some((path) => run.plan.keys.has(path));
  });
}

function markMissing(run: Run): void {
  // A file written or matched this run is present by definition.
  run.ledger.report.missingUpstream = unseen(run)
    .filter((entry) => !run.ledger.present.has(entry.path))
    .map((entry) => entry.path);
}
