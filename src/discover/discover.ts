import type { Fetcher } from '../fetch/fetcher.js';
import { isPostPath, normalizeUrl } from './normalize-url.js';
import { parseSitemap, type SitemapPage } from './sitemap.js';
import { parseFeed } from './feed.js';
import { parseListing, type ListingPage } from './listing.js';
import { aliasTarget } from './alias.js';
import { selectPosts, unionSightings, type Candidate, type PostHints, type Sighting } from './merge.js';

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
  log?: (message: string) => void;
}

const SECTION = '/posts/';
const SITEMAP = '/sitemap.xml';
const FALLBACK_FEED = '/posts/index.xml';
const MAX_SITEMAPS = 100;
const MAX_LISTING_PAGES = 5000;

/**
 * Finds every post of `site` from three sources and unions them: the sitemap (with indexes and
 * gzipped children), the `/posts/` listing through all its pages (author, day, tags, summary)
 * and the section's RSS feed (full publication time). URLs whose nature the sources disagree on
 * are fetched once to tell posts from alias redirect pages.
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
  const [sitemap, listing] = await Promise.all([readSitemaps(site, getText), readListing(site, getText)]);
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
  const complete = { sitemap: sitemap.ok, listing: listing.ok };
  await resolveSuspects(site, candidates, complete, fetcher, { aliases, skipped, failed, log });

  for (const entry of skipped) log(`discover: skipped ${entry.url}: ${entry.reason}`);
  const posts = selectPosts(
    [...candidates.values()].map((candidate): DiscoveredPost => ({ url: candidate.url, hints: candidate.hints, ...(candidate.lastmod ? { lastmod: candidate.lastmod } : {}) })),
    options,
  );
  log(`discover: ${candidates.size} posts found, ${posts.length} selected, ${aliases.size} aliases, ${skipped.length} skipped, ${failed.length} failed`);
  return { posts, aliases, skipped, failed };
}

type GetText = (url: string) => Promise<{ body: string; finalUrl: string } | undefined>;

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

/** Reads `/posts/` and every `/posts/page/N/` its pagination links reach. */
async function readListing(site: URL, getText: GetText): Promise<{ ok: boolean; pages: ListingPage[] }> {
  const first = await getText(new URL(SECTION, site).href);
  if (first === undefined) return { ok: false, pages: [] };
  const pages = [parseListing(first.body, first.finalUrl, site, SECTION)];
  const done = new Set([1]);
  let ok = true;
  for (;;) {
    const todo = [...new Set(pages.flatMap((page) => page.pageNumbers))].filter((n) => !done.has(n) && n <= MAX_LISTING_PAGES);
    if (todo.length === 0) break;
    todo.forEach((n) => done.add(n));
    const texts = await Promise.all(todo.map((n) => getText(new URL(`${SECTION}page/${n}/`, site).href)));
    for (const text of texts) {
      if (text === undefined) ok = false;
      else pages.push(parseListing(text.body, text.finalUrl, site, SECTION));
    }
  }
  return { ok, pages };
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

interface Outcome {
  aliases: Map<string, string>;
  skipped: Discovery['skipped'];
  failed: Discovery['failed'];
  log: (message: string) => void;
}

/**
 * A candidate is suspect when it may be an alias page: a listing entry whose link is not a
 * permalink, or a permalink that only one of the two complete sources (sitemap, listing) knows
 * (the feed holds only the newest 30, so its silence proves nothing). Each suspect is fetched once.
 */
async function resolveSuspects(site: URL, candidates: Map<string, Candidate>, complete: { sitemap: boolean; listing: boolean }, fetcher: Fetcher, out: Outcome): Promise<void> {
  const bothComplete = complete.sitemap && complete.listing;
  const suspects = [...candidates.values()].filter((candidate) => {
    if (!isPostPath(new URL(candidate.url).pathname)) return true;
    const fullSources = ['sitemap', 'listing'].filter((source) => candidate.sources.has(source as 'sitemap' | 'listing')).length;
    return bothComplete ? fullSources < 2 : fullSources === 0 && (complete.sitemap || complete.listing);
  });
  await Promise.all(suspects.map((suspect) => resolveSuspect(site, suspect, candidates, fetcher, out)));
}

async function resolveSuspect(site: URL, suspect: Candidate, candidates: Map<string, Candidate>, fetcher: Fetcher, out: Outcome): Promise<void> {
  const isPost = isPostPath(new URL(suspect.url).pathname);
  const result = await fetcher.get(suspect.url);
  if (!result.ok) {
    out.failed.push({ url: suspect.url, error: result.error });
    if (!isPost) drop(candidates, suspect, `could not check whether it is an alias: ${result.error}`, out);
    return;
  }
  const redirected = normalizeUrl(result.finalUrl, site);
  const target = redirected !== suspect.url ? redirected : normalizeTarget(result.body, result.finalUrl, site);
  if (target === undefined || target === suspect.url) {
    if (!isPost) drop(candidates, suspect, 'not a post permalink and not an alias page', out);
    return;
  }
  if (!isPostPath(new URL(target).pathname)) {
    drop(candidates, suspect, `alias of ${target}, which is not a post`, out);
    return;
  }
  const aliasPath = new URL(suspect.url).pathname;
  out.aliases.set(aliasPath, target);
  out.log(`discover: alias ${aliasPath} → ${target}`);
  candidates.delete(suspect.url);
  const post = candidates.get(target) ?? { url: target, hints: {}, sources: new Set(), entry: false };
  // The alias's hints (say, a listing entry linking the old path) describe the same post.
  post.hints = { ...suspect.hints, ...post.hints, aliases: [...new Set([...(post.hints.aliases ?? []), aliasPath])].sort() };
  for (const source of suspect.sources) post.sources.add(source);
  candidates.set(target, post);
}

function normalizeTarget(body: string | undefined, pageUrl: string, site: URL): string | undefined {
  const target = body === undefined ? undefined : aliasTarget(body, pageUrl);
  return target === undefined ? undefined : normalizeUrl(target, site);
}

function drop(candidates: Map<string, Candidate>, candidate: Candidate, reason: string, out: Outcome): void {
  candidates.delete(candidate.url);
  out.skipped.push({ url: candidate.url, reason });
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
