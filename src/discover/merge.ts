import { UsageError } from '../errors.js';
import type { PageHints } from '../extract/extract.js';
import {
  decodePath,
  isFilePath,
  isPostListingPath,
  isSiteRoot,
  isTaxonomyPath,
  normalizeUrl,
  urlPath,
  type SitePage,
} from '../site/index.js';

/** Where a URL was seen. */
export type Source = 'sitemap' | 'listing' | 'feed';

/** Hints for the extractor about one post, gathered from listings and feeds: the extractor's own type. */
export type PostHints = PageHints;

/** One sighting of a URL in one source, with what that source says about it. */
export interface Sighting {
  url: string;
  source: Source;
  hints?: PostHints;
  lastmod?: string;
  /** A listing entry's title link or a feed item: the site names it as a post, whatever its path. */
  entry?: boolean;
}

/** A URL seen in one or more sources, hints merged. */
export interface Candidate {
  url: string;
  hints: PostHints;
  lastmod?: string;
  sources: Set<Source>;
  entry: boolean;
}

/** Which source wins for each hint: the listing knows the author; the feed knows the full time. */
const HINT_PRECEDENCE: { [K in keyof PostHints]-?: readonly Source[] } = {
  title: ['listing', 'feed'],
  author: ['listing'],
  date: ['feed', 'listing'],
  tags: ['listing', 'feed'],
  description: ['listing', 'feed'],
  aliases: ['listing', 'feed', 'sitemap'],
};

/**
 * Pages of Hugo's own making that are never posts, whatever a sitemap says; first match wins.
 * Every other sitemap URL is fetched once and judged by its page (src/site/page-kind.ts).
 */
const SKIP_REASONS: readonly { test: (path: string) => boolean; reason: string }[] = [
  { test: isSiteRoot, reason: 'home page' },
  { test: isTaxonomyPath, reason: 'taxonomy page' },
  { test: isPostListingPath, reason: 'post listing page' },
  { test: (path) => /\.(xml|xml\.gz)$/.test(path), reason: 'feed or sitemap' },
  { test: (path) => isFilePath(path), reason: 'a file, not a page' },
];

/** Why a normalized URL is certainly not a post, or `undefined` when only its page can tell. */
export function skipReason(url: string): string | undefined {
  const path = decodePath(urlPath(url));
  return SKIP_REASONS.find((rule) => rule.test(path))?.reason;
}

/**
 * Unions sightings into one candidate per normalized URL. Listing entries and feed items are
 * always candidates (the site names them as posts); a sitemap URL is one unless it is a page of
 * Hugo's own making (SKIP_REASONS), and its page decides.
 */
export function unionSightings(
  sightings: Sighting[],
  site: URL,
  normalize = (url: string) => normalizeUrl(url, site),
): { candidates: Map<string, Candidate>; skipped: { url: string; reason: string }[] } {
  const bySource = new Map<string, Map<Source, PostHints>>();
  const candidates = new Map<string, Candidate>();
  const skipped = new Map<string, string>();
  for (const sighting of sightings) {
    const url = normalize(sighting.url);
    if (url === undefined) {
      skipped.set(sighting.url, 'off the site or not an http(s) URL');
      continue;
    }
    const reason = sighting.entry ? undefined : skipReason(url);
    if (reason !== undefined) {
      skipped.set(url, reason);
      continue;
    }
    const candidate = candidates.get(url) ?? { url, hints: {}, sources: new Set<Source>(), entry: false };
    candidate.sources.add(sighting.source);
    candidate.entry ||= sighting.entry === true;
    if (sighting.lastmod !== undefined && (candidate.lastmod === undefined || sighting.lastmod > candidate.lastmod))
      candidate.lastmod = sighting.lastmod;
    candidates.set(url, candidate);
    // A sitemap entry gives no hints: most sightings of a large site end here.
    if (sighting.hints === undefined) continue;
    const perSource = bySource.get(url) ?? new Map<Source, PostHints>();
    perSource.set(sighting.source, { ...perSource.get(sighting.source), ...sighting.hints });
    bySource.set(url, perSource);
  }
  for (const [url, perSource] of bySource) {
    const candidate = candidates.get(url);
    if (candidate) candidate.hints = mergeHints([...perSource.entries()]);
  }
  for (const url of candidates.keys()) skipped.delete(url);
  return { candidates, skipped: [...skipped].map(([url, reason]) => ({ url, reason })) };
}

/** Picks each hint from the first source in its precedence list that has it; aliases are unioned. */
export function mergeHints(bySource: [Source, PostHints][]): PostHints {
  const merged: PostHints = {};
  const lookup = new Map(bySource);
  for (const key of Object.keys(HINT_PRECEDENCE) as (keyof PostHints)[]) {
    if (key === 'aliases') continue;
    for (const source of HINT_PRECEDENCE[key]) {
      const value = lookup.get(source)?.[key];
      if (value !== undefined) {
        (merged as Record<string, unknown>)[key] = value;
        break;
      }
    }
  }
  const aliases = [...new Set(bySource.flatMap(([, hints]) => hints.aliases ?? []))].sort();
  if (aliases.length > 0) merged.aliases = aliases;
  return merged;
}

/** The moment a post sorts by: its hinted date, else the day in its permalink. */
export function postTime(day: string | undefined, hints: PostHints): string {
  const date = hints.date ?? day ?? '0000-00-00';
  if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return `${date}T00:00:00.000Z`;
  const time = Date.parse(date);
  return Number.isNaN(time) ? `${date.slice(0, 10)}T00:00:00.000Z` : new Date(time).toISOString();
}

/** A `--since` or `--limit` value that cannot be used; names the flag. */
export class SelectionError extends UsageError {}

/**
 * Newest first, then `--since` (posts on or after that day, by the permalink's day or the hinted
 * date) and `--limit` (the newest N).
 */
export function selectPosts<T extends SitePage & { hints: PostHints }>(
  posts: T[],
  options: { since?: string; limit?: number },
): T[] {
  if (options.since !== undefined && !/^\d{4}-\d{2}-\d{2}/.test(options.since)) {
    throw new SelectionError(`Expected --since to be a date like 2024-01-31, got ${JSON.stringify(options.since)}`);
  }
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) {
    throw new SelectionError(`Expected --limit to be an integer from 1 and up, got ${String(options.limit)}`);
  }
  const since = options.since?.slice(0, 10);
  const sorted = posts
    .map((post) => ({ post, time: postTime(post.day, post.hints) }))
    .sort((a, b) => (a.time === b.time ? (a.post.url < b.post.url ? -1 : 1) : a.time < b.time ? 1 : -1));
  const recent = sorted.filter(
    ({ post, time }) => since === undefined || time.slice(0, 10) >= since || (post.day ?? '') >= since,
  );
  return recent.slice(0, options.limit ?? recent.length).map(({ post }) => post);
}
