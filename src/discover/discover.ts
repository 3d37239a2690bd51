import type { Fetcher } from '../fetch/fetcher.js';
import { dayOfUrl, normalizeUrl, sitePage, type SitePage } from '../site/index.js';
import type { ListingJob, ListingPage } from './listing.js';
import { selectPosts, unionSightings, type PostHints, type Sighting, type Source } from './merge.js';
import {
  isWhole,
  listedUrls,
  oldestDay,
  pageOn,
  pageUrl,
  readListing,
  SECTION,
  stopBefore,
  stopWhenAllKnown,
  type GetListingPage,
  type ListingRead,
} from './paging.js';
import { sourceReader, type GetSource, type ReadSource } from './sources.js';
import { readSitemaps, SITEMAP } from './sitemaps.js';
import type { SitemapPage } from './sitemap.js';
import { feedsToRead, readFeed } from './feeds.js';
import { compact } from './compact.js';

export type { PostHints, Source } from './merge.js';

/** A page to sync: its one URL (read once into a key and a day), the hints sources gave, the sitemap lastmod, and who named it. */
export interface DiscoveredPost extends SitePage {
  hints: PostHints;
  /** From the sitemap. */
  lastmod?: string;
  /**
   * The sources that name it. A listing entry or feed item is a post by the site's own word; a
   * sitemap-only URL is a post only if its page says so. Absent for a URL given by hand.
   */
  named?: Source[];
  /**
   * A URL the state knew as a post that no source names any more: asked once what it is now (an
   * alias or redirect to the post's new URL, a 404, the post still), never a failure.
   */
  vanished?: true;
}

/** What discovery found. */
export interface Discovery {
  /** Newest first, after `--since` / `--limit`. */
  posts: DiscoveredPost[];
  /** Normalized URLs of the listing entries on the listing pages read: the posts the listing names. */
  listed: string[];
  /** URLs seen and not taken, with why. */
  skipped: { url: string; reason: string }[];
  /** Sources or pages that could not be read. */
  failed: { url: string; error: string }[];
  /** The feeds read (or tried): a sync remembers them, so a run whose listing is down still knows where the feed is. */
  feeds: string[];
  /** Every source was read: the sitemap(s), each listing page asked for, the feeds. Only then is a URL's absence news. */
  complete: boolean;
  /** The listing pages asked for could all be read. */
  listingOk: boolean;
}

export interface DiscoverOptions {
  /** `YYYY-MM-DD`: posts on or after that day. */
  since?: string;
  /** The newest N posts. */
  limit?: number;
  /**
   * Post URLs (normalized) the archive already has and the state has fetched. Given, paging the
   * listing stops at the first page whose posts are all known. Absent (a first crawl): every page is read.
   */
  known?: (url: string) => boolean;
  /** Read every listing page even when `known` is given (`--full`). */
  full?: boolean;
  /** Feeds found on earlier runs: read when the listing that announces them cannot be. */
  knownFeeds?: string[];
  /**
   * Listing pages past where paging stops are read a share per run (`part` of `of`, with one page
   * of overlap each side), so a field only the listing shows (the author) is seen on old posts too.
   */
  listingShare?: { part: number; of: number };
  /** How sources are read; default plain GETs. A sync passes a conditional reader (see sources.ts). */
  read?: ReadSource;
  /** Where listing pages are parsed; default here. A sync hands them to its worker threads, idle while it discovers. */
  readListing?: (job: ListingJob) => ListingPage | Promise<ListingPage>;
  /**
   * Most URLs new to the state one run considers (`--max-urls`); past it the rest wait, and the run
   * says so. URLs the state knows are always considered: they cost no more than the state already
   * holds. Default {@link MAX_URLS}.
   */
  maxUrls?: number;
  /** URLs the state knows, and how many: they do not count against `maxUrls`. */
  stateUrls?: { has(url: string): boolean; size: number };
  log?: (message: string) => void;
}

/**
 * New URLs a run considers: five times the real site (about 2,000 pages), and what a run holds within
 * the benchmark's 250 MB even when every one of them fails (bench/probes.ts).
 */
export const MAX_URLS = 10_000;

/**
 * Finds every post of `site` from three sources and unions them: the sitemap (with indexes and
 * gzipped children), the `/posts/` listing (author, day, tags, summary) and the section's RSS feed
 * (full publication time). Discovery judges no page by its URL's shape: what a page is, post,
 * alias or neither, is decided when it is fetched.
 *
 * The listing is read through all its pages unless `options.known` is given (and not `full`): then
 * paging stops at the first page whose posts are all known, or, when the sitemap lists unknown
 * pages older than that, once the listing reaches back before their day.
 */
export async function discover(site: URL, fetcher: Fetcher, options: DiscoverOptions = {}): Promise<Discovery> {
  const log = options.log ?? (() => undefined);
  const failed: Discovery['failed'] = [];
  const read = options.read ?? sourceReader(fetcher);
  const get: GetSource = async (url, parse) => {
    const result = await read(url, parse);
    if (result.ok) return result.value;
    failed.push({ url, error: result.error });
    log(`discover: cannot read ${url}: ${result.error}`);
    return undefined;
  };
  // The HTML parser loads only where listing pages are parsed here (a sync parses them on its threads).
  const listingPage =
    options.readListing ?? (async (job: ListingJob) => (await import('./listing.js')).readListingJob(job));
  const getPage: GetListingPage = (url) =>
    get(url, (html, finalUrl) => listingPage({ html, url: finalUrl, site: site.href, section: SECTION }));

  // Sitemap and listing are independent; the feed is found from the listing's <head>.
  const known = options.full ? undefined : options.known;
  const maxUrls = options.maxUrls ?? MAX_URLS;
  const [sitemap, head] = await Promise.all([
    readSitemaps(site, get, log, maxUrls + (options.stateUrls?.size ?? 0)),
    readListing(site, getPage, known && stopWhenAllKnown(known)),
  ]);
  // Every sitemap URL is looked at up to three times below: normalized once (10,000 URLs on a large site).
  const normalize = memoize((url: string) => normalizeUrl(url, site));
  const covered = known ? await coverUnknown(site, getPage, head, sitemap.pages, known, normalize, log) : head;
  if (!isWhole(covered))
    log(`discover: listing read to page ${covered.next - 1} of ${covered.last}; older posts are all known`);
  const listing =
    options.listingShare && !isWhole(covered) ? await readShare(site, getPage, covered, options.listingShare) : covered;
  const feedUrls = feedsToRead(site, listing.pages, sitemap.pages, normalize, options.knownFeeds);
  const feedItems = (await Promise.all(feedUrls.map((url) => readFeed(url, get)))).flat();

  const sightings: Sighting[] = [
    ...sitemap.pages.map((page): Sighting => ({
      url: page.loc,
      source: 'sitemap',
      ...(page.lastmod ? { lastmod: page.lastmod } : {}),
    })),
    ...listing.pages.flatMap((page) => page.postLinks.map((url): Sighting => ({ url, source: 'listing' }))),
    ...listing.pages.flatMap((page) =>
      page.entries.map((entry): Sighting => ({
        url: entry.url,
        source: 'listing',
        entry: true,
        hints: listingHints(entry),
      })),
    ),
    ...feedItems,
  ];
  const { candidates, skipped } = unionSightings(sightings, site, normalize);
  for (const entry of skipped) log(`discover: skipped ${entry.url}: ${entry.reason}`);
  const selected = selectPosts(
    [...candidates.values()].map((candidate): DiscoveredPost => ({
      ...sitePage(candidate.url),
      hints: candidate.hints,
      named: [...candidate.sources].sort(),
      ...(candidate.lastmod ? { lastmod: candidate.lastmod } : {}),
    })),
    options,
  );
  const posts = capNew(selected, maxUrls, options.stateUrls);
  if (sitemap.capped || posts.length < selected.length) {
    failed.push({
      url: new URL(SITEMAP, site).href,
      error: `the site names more than ${maxUrls} new URLs (--max-urls): the rest are not considered this run`,
    });
    log(`discover: more than ${maxUrls} new URLs; the rest are not considered this run`);
  }
  const listed = [...new Set(listing.pages.flatMap((page) => page.entries.map((entry) => entry.url)))];
  log(
    `discover: ${candidates.size} pages to judge, ${posts.length} selected, ${listed.length} listed, ${skipped.length} skipped, ${failed.length} failed`,
  );
  return {
    posts,
    listed,
    skipped,
    failed,
    feeds: feedUrls,
    complete: failed.length === 0 && sitemap.ok && listing.ok,
    listingOk: listing.ok,
  };
}

/** Every page the state knows, and the first `max` it does not (newest first, as selected). */
function capNew(
  pages: DiscoveredPost[],
  max: number,
  known: { has(url: string): boolean } | undefined,
): DiscoveredPost[] {
  let fresh = 0;
  const kept = pages.filter((page) => known?.has(page.url) || ++fresh <= max);
  return kept.length === pages.length ? pages : kept;
}

/**
 * Paging stopped at a page of known posts, but the sitemap may list a post the archive lacks that is
 * older than the pages read (a post added late, or one whose fetch failed last time). Its author is
 * only on the listing, so paging goes on until the listing reaches back before its day.
 */
async function coverUnknown(
  site: URL,
  getPage: GetListingPage,
  read: ListingRead,
  sitemap: SitemapPage[],
  known: (url: string) => boolean,
  normalize: (url: string) => string | undefined,
  log: (message: string) => void,
): Promise<ListingRead> {
  if (isWhole(read)) return read;
  const listed = listedUrls(read.pages);
  const from = oldestDay(read.pages) ?? '9999-99-99';
  const days = sitemap
    .map((page) => normalize(page.loc))
    .filter((url): url is string => url !== undefined && !listed.has(url) && !known(url))
    .map((url) => dayOfUrl(url))
    .filter((day): day is string => day !== undefined && day <= from);
  if (days.length === 0) return read;
  const day = days.reduce((a, b) => (b < a ? b : a));
  log(`discover: ${days.length} unknown posts older than the listing pages read (oldest ${day}); reading on`);
  return pageOn(site, getPage, read, stopBefore(day));
}

/**
 * Listing pages of this run's share of those past `read.next` (see {@link DiscoverOptions.listingShare}).
 * Contiguous slices, one page wider each side, so a post that moved a page down since the last run
 * (newer posts pushed it) is still read once in `of` runs.
 */
async function readShare(
  site: URL,
  getPage: GetListingPage,
  read: ListingRead,
  share: { part: number; of: number },
): Promise<ListingRead> {
  const first = read.next;
  const count = read.last - first + 1;
  const size = Math.ceil(count / share.of);
  const from = Math.max(first, first + (share.part % share.of) * size - 1);
  const to = Math.min(read.last, first + ((share.part % share.of) + 1) * size);
  if (from > to) return read;
  const numbers = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const pages = await Promise.all(numbers.map((n) => getPage(pageUrl(site, n))));
  const got = pages.filter((page): page is ListingPage => page !== undefined);
  return { ...read, pages: [...read.pages, ...got], ok: read.ok && got.length === pages.length };
}

function listingHints(entry: ListingPage['entries'][number]): PostHints {
  return compact({
    title: entry.title,
    author: entry.author,
    date: entry.date,
    tags: entry.tags,
    description: entry.summary,
  });
}

/** `fn` with its results kept by argument, for one discovery. */
function memoize<R>(fn: (key: string) => R): (key: string) => R {
  const results = new Map<string, R>();
  return (key) => {
    if (!results.has(key)) results.set(key, fn(key));
    return results.get(key) as R;
  };
}
