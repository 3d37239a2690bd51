import { dayOfUrl } from '../site/index.js';
import type { ListingPage } from './listing.js';

/** Reads and parses one listing page; `undefined` when it could not be read (the caller records why). */
export type GetListingPage = (url: string) => Promise<ListingPage | undefined>;

/** Says, after a listing page is read, that paging may stop there. */
export type PageStop = (page: ListingPage) => boolean;

/** How far paging through `/posts/`, `/posts/page/2/`, … got. Pages 1 … `next - 1` were requested. */
export interface ListingRead {
  /** The pages read, in page order. */
  pages: ListingPage[];
  /** Every page requested could be read. */
  ok: boolean;
  /** The first page number not requested. */
  next: number;
  /** The highest page number any page read links to. */
  last: number;
}

/** The post section: its listing is `/posts/`, `/posts/page/2/`, … */
export const SECTION = '/posts/';
const MAX_LISTING_PAGES = 5000;

/** The URL of listing page `n` (2 and up; page 1 is the section itself). */
export function pageUrl(site: URL, n: number): string {
  return new URL(`${SECTION}page/${n}/`, site).href;
}

/** Every page of the listing was requested. */
export function isWhole(read: ListingRead): boolean {
  return read.next > read.last;
}

/**
 * Reads `/posts/` and then its further pages until `stop` says so or the pagination ends.
 * Without `stop`, every page is read (as fast as the fetcher allows).
 */
export async function readListing(site: URL, getPage: GetListingPage, stop?: PageStop): Promise<ListingRead> {
  const page = await getPage(new URL(SECTION, site).href);
  if (page === undefined) return { pages: [], ok: false, next: 2, last: 1 };
  const read = { pages: [page], ok: true, next: 2, last: lastLinked(page, 1) };
  return stop?.(page) ? read : pageOn(site, getPage, read, stop);
}

/**
 * Reads the pages after `read` until a page satisfies `stop` or there are no more. Without `stop`
 * all known pages go at once; with it, in batches of 1, 2, 4, … pages: an unchanged site costs one
 * more page at most, a long read only about log2(pages) round trips.
 */
export async function pageOn(
  site: URL,
  getPage: GetListingPage,
  read: ListingRead,
  stop?: PageStop,
): Promise<ListingRead> {
  const pages = [...read.pages];
  let { ok, next, last } = read;
  for (let batch = 1; next <= last; batch *= 2) {
    const to = stop === undefined ? last : Math.min(last, next + batch - 1);
    const numbers = Array.from({ length: to - next + 1 }, (_, i) => next + i);
    next = to + 1;
    const read = await Promise.all(numbers.map((n) => getPage(pageUrl(site, n))));
    let stopped = false;
    for (const page of read) {
      if (page === undefined) {
        ok = false;
        continue;
      }
      pages.push(page);
      last = lastLinked(page, last);
      stopped ||= stop?.(page) ?? false;
    }
    if (stopped) break;
  }
  return { pages, ok, next, last };
}

/**
 * Stop at a page whose post entries are all already known: the listing is newest first, so every
 * later page is older still. A page without post entries (a theme change, say) never stops paging.
 */
export function stopWhenAllKnown(known: (url: string) => boolean): PageStop {
  return (page) => {
    const posts = page.entries.map((entry) => entry.url);
    return posts.length > 0 && posts.every(known);
  };
}

/** Stop once a page reaches back before `day` (`YYYY-MM-DD`): every post of that day has been listed. */
export function stopBefore(day: string): PageStop {
  return (page) => (oldestDay([page]) ?? '9999-99-99') < day;
}

/** The oldest day any entry of `pages` carries (its listing date, else its permalink's day). */
export function oldestDay(pages: ListingPage[]): string | undefined {
  const days = pages
    .flatMap((page) => page.entries.map((entry) => entry.date ?? dayOfUrl(entry.url)))
    .filter((day): day is string => day !== undefined);
  return days.length === 0 ? undefined : days.reduce((a, b) => (b < a ? b : a));
}

/** Every URL the pages list: entry links and other permalink links. */
export function listedUrls(pages: ListingPage[]): Set<string> {
  return new Set(pages.flatMap((page) => [...page.entries.map((entry) => entry.url), ...page.postLinks]));
}

function lastLinked(page: ListingPage, last: number): number {
  return Math.min(MAX_LISTING_PAGES, Math.max(last, ...page.pageNumbers));
}
