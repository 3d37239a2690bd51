// The section's RSS feed: which to read, and its items as sightings.
import type { ListingPage } from './listing.js';
import type { SitemapPage } from './sitemap.js';
import type { Sighting } from './merge.js';
import { compact } from './compact.js';
import { orThrow, type GetSource } from './sources.js';
import { parseFeed } from './feed.js';

const FALLBACK_FEED = '/posts/index.xml';

/** Feeds announced by the listing, else those found on earlier runs, else feed-like URLs from the sitemap, else Hugo's section feed. */
export function feedsToRead(
  site: URL,
  listing: ListingPage[],
  sitemap: SitemapPage[],
  normalize: (url: string) => string | undefined,
  knownFeeds: string[] = [],
): string[] {
  const announced = listing[0]?.feeds ?? [];
  if (announced.length > 0) return announced;
  if (knownFeeds.length > 0) return knownFeeds;
  const fromSitemap = sitemap
    .map((page) => normalize(page.loc))
    .filter((url): url is string => url !== undefined && /\/index\.xml$/.test(url));
  return fromSitemap.length > 0 ? [...new Set(fromSitemap)] : [new URL(FALLBACK_FEED, site).href];
}

export async function readFeed(url: string, get: GetSource): Promise<Sighting[]> {
  const parsed = await get(url, (body) => orThrow(parseFeed(body)));
  if (parsed === undefined || !parsed.ok) return [];
  return parsed.items.map((item) => ({
    url: item.link,
    source: 'feed',
    entry: true,
    hints: compact({ title: item.title, date: item.date, tags: item.tags, description: item.description }),
  }));
}
