import type { Fetcher } from '../fetch/fetcher.js';
import { normalizeUrl, postPathDate } from './normalize-url.js';
import { parseSitemap, type SitemapPage } from './sitemap.js';
import { parseFeed } from './feed.js';
import type { ListingPage } from './listing.js';
import { selectPosts, unionSightings, type PostHints, type Sighting } from './merge.js';
import { isWhole, listedUrls, oldestDay, pageOn, readListing, stopBefore, stopWhenAllKnown, type GetText, type ListingRead } from './paging.js';
import { resolveSuspects } from './suspects.js';

export type { PostHints } from './merge.js';

/** A post to sync: its one URL, the hints sources gave, and the sitemap lastmod. */
export interface DiscoveredPost {
  url: string;
  hints: PostHints;
  /** From the sitemap. */
  lastmod?: string;
}

/** What discovery found. */
export interface Discovery {
  /** Newest first, after `--since` / `--limit`. */
  posts: DiscoveredPost[];
  /** Alias path (`/old-slug/`) → post URL, for every alias redirect met. */
  aliases: Map<string, string>;
  /** URLs seen and not taken, with why (for `--verbose`). */
  skipped: { url: string; reason: string }[];
  /** Sources or pages that could not be read. */
  failed: { url: string; error: string }[];
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
  log?: (message: string) => void;
}

const SITEMAP = '/sitemap.xml';
const FALLBACK_FEED = '/posts/index.xml';
const MAX_SITEMAPS = 100;

/**
 * Finds every post of `site` from three sources and unions them: the sitemap (with indexes and
 * gzipped children), the `/posts/` listing (author, day, tags, summary) and the section's RSS feed
 * (full publication time). URLs whose nature the sources disagree on are fetched once to tell posts
 * from alias redirect pages.
 *
 * The listing is read through all its pages unless `options.known` is given (and not `full`): then
 * paging stops at the first page whose posts are all known, or, when the sitemap lists unknown
 * posts older than that, once the listing reaches back before their day. The sitemap and the feed
 * are always read.
 */
export async function discover(site: URL, fetcher: Fetcher, options: DiscoverOptions = {}): Promise<Discovery> {
  const log = options.log ?? (() => undefined);
  const failed: Discovery['failed'] = [];
  const getText = async (url: string): Promise<{ body: string; finalUrl: string } | undefined> => {
    const result = await fetcher.get(url);
    if (result.ok && result.body !== undefined) return { body: result.body, finalUrl: result.finalUrl };
    const error = result.ok ? 'empty response' : result.error;
    failed.push({ url, error });
    log(`discover: cannot read ${url}: ${error}`);
    return undefined;
  };

  // Sitemap and listing are independent; the feed is found from the listing's <head>.
  const known = options.full ? undefined : options.known;
  const [sitemap, head] = await Promise.all([readSitemaps(site, getText), readListing(site, getText, known && stopWhenAllKnown(known))]);
  const listing = known ? await coverUnknown(site, getText, head, sitemap.pages, known, log) : head;
  const whole = isWhole(listing);
  if (!whole) log(`discover: listing read to page ${listing.next - 1} of ${listing.last}; older posts are all known`);
  const feedUrls = feedsToRead(site, listing.pages, sitemap.pages);
  const feedItems = (await Promise.all(feedUrls.map((url) => readFeed(url, getText)))).flat();

  const sightings: Sighting[] = [
    ...sitemap.pages.map((page): Sighting => ({ url: page.loc, source: 'sitemap', ...(page.lastmod ? { lastmod: page.lastmod } : {}) })),
    ...listing.pages.flatMap((page) => page.postLinks.map((url): Sighting => ({ url, source: 'listing' }))),
    ...listing.pages.flatMap((page) =>
      page.entries.map((entry): Sighting => ({ url: entry.url, source: 'listing', entry: true, hints: listingHints(entry) })),
    ),
    ...feedItems,
  ];
  const { candidates, skipped } = unionSightings(sightings, site);
  const aliases = new Map<string, string>();
  const coverage = { sitemap: sitemap.ok, listing: listing.ok, ...(whole ? {} : { listingFrom: oldestDay(listing.pages) ?? '9999-99-99' }) };
  await resolveSuspects(site, candidates, coverage, fetcher, { aliases, skipped, failed, log });

  for (const entry of skipped) log(`discover: skipped ${entry.url}: ${entry.reason}`);
  const posts = selectPosts(
    [...candidates.values()].map((candidate): DiscoveredPost => ({ url: candidate.url, hints: candidate.hints, ...(candidate.lastmod ? { lastmod: candidate.lastmod } : {}) })),
    options,
  );
  log(`discover: ${candidates.size} posts found, ${posts.length} selected, ${aliases.size} aliases, ${skipped.length} skipped, ${failed.length} failed`);
  return { posts, aliases, skipped, failed };
}

/** Reads `/sitemap.xml` and, breadth first, every child sitemap of an index. */
async function readSitemaps(site: URL, getText: GetText): Promise<{ ok: boolean; pages: SitemapPage[] }> {
  const pages: SitemapPage[] = [];
  const seen = new Set<string>();
  let queue = [new URL(SITEMAP, site).href];
  let ok = true;
  while (queue.length > 0 && seen.size < MAX_SITEMAPS) {
    const batch = queue.filter((url) => !seen.has(url));
    batch.forEach((url) => seen.add(url));
    const texts = await Promise.all(batch.map(getText));
    queue = [];
    texts.forEach((text, i) => {
      if (text === undefined) return void (ok = false);
      const parsed = parseSitemap(text.body);
      if (!parsed.ok) return void (ok = false);
      pages.push(...parsed.pages);
      for (const child of parsed.sitemaps) {
        const url = normalizeUrl(new URL(child, batch[i]).href, site);
        if (url !== undefined) queue.push(url);
      }
    });
  }
  return { ok: ok && pages.length > 0, pages };
}

/**
 * Paging stopped at a page of known posts, but the sitemap may list a post the archive lacks that is
 * older than the pages read (a post added late, or one whose fetch failed last time). Its author is
 * only on the listing, so paging goes on until the listing reaches back before its day.
 */
async function coverUnknown(site: URL, getText: GetText, read: ListingRead, sitemap: SitemapPage[], known: (url: string) => boolean, log: (message: string) => void): Promise<ListingRead> {
  if (isWhole(read)) return read;
  const listed = listedUrls(read.pages);
  const from = oldestDay(read.pages) ?? '9999-99-99';
  const days = sitemap
    .map((page) => normalizeUrl(page.loc, site))
    .filter((url): url is string => url !== undefined && !listed.has(url) && !known(url))
    .map((url) => postPathDate(new URL(url).pathname))
    .filter((day): day is string => day !== undefined && day <= from);
  if (days.length === 0) return read;
  const day = days.reduce((a, b) => (b < a ? b : a));
  log(`discover: ${days.length} unknown posts older than the listing pages read (oldest ${day}); reading on`);
  return pageOn(site, getText, read, stopBefore(day));
}

/** Feeds announced by the listing, else feed-like URLs from the sitemap, else Hugo's section feed. */
function feedsToRead(site: URL, listing: ListingPage[], sitemap: SitemapPage[]): string[] {
  const announced = listing[0]?.feeds ?? [];
  if (announced.length > 0) return announced;
  const fromSitemap = sitemap.map((page) => normalizeUrl(page.loc, site)).filter((url): url is string => url !== undefined && /\/index\.xml$/.test(url));
  return fromSitemap.length > 0 ? [...new Set(fromSitemap)] : [new URL(FALLBACK_FEED, site).href];
}

async function readFeed(url: string, getText: GetText): Promise<Sighting[]> {
  const text = await getText(url);
  if (text === undefined) return [];
  const parsed = parseFeed(text.body);
  if (!parsed.ok) return [];
  return parsed.items.map((item) => ({
    url: item.link,
    source: 'feed',
    hints: compact({ title: item.title, date: item.date, tags: item.tags, description: item.description }),
  }));
}

function listingHints(entry: ListingPage['entries'][number]): PostHints {
  return compact({ title: entry.title, author: entry.author, date: entry.date, tags: entry.tags, description: entry.summary });
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
