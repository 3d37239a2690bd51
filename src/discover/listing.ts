import type { Element } from 'domhandler';
import { parseDocument } from '../extract/html.js';
import { compileQuery, queryAll, queryOne } from '../extract/select.js';
import { isPermalinkShaped, isSiteRoot, isTaxonomyPath, normalizeUrl, resolveHref } from '../site/index.js';
import {
  LONG_DATE,
  MONTHS,
  bylinesWithin,
  cheerioText,
  clean,
  entryBound,
  entryRoot,
  isLink,
  isPageLink,
  nearestTitleLink,
  pageLinkHolders,
  precedes,
  precedingTitleLink,
  summaryOf,
  tagsOf,
  walk,
} from './listing-dom.js';
import { compact } from './compact.js';

/** What a listing entry says about one post; the only place the author appears. */
export interface ListingEntry {
  /** Normalized URL of the entry's title link (may be an alias page, not yet known). */
  url: string;
  title?: string;
  author?: string;
  /** `YYYY-MM-DD`, from `January 2, 2006 by …`. */
  date?: string;
  tags?: string[];
  summary?: string;
}

/** Everything discovery needs from one listing page. */
export interface ListingPage {
  entries: ListingEntry[];
  /** Every on-site link of the page that has a post permalink path (normalized). */
  postLinks: string[];
  /** Page numbers of the section's pagination links (`/posts/page/N/`). */
  pageNumbers: number[];
  /** RSS feeds the page announces with `<link rel="alternate" type="application/rss+xml">`. */
  feeds: string[];
}

/** One listing page to read, as plain data: it may cross to a worker thread. */
export interface ListingJob {
  html: string;
  url: string;
  site: string;
  section: string;
}

/** {@link parseListing} for a {@link ListingJob}. */
export function readListingJob({ html, url, site, section }: ListingJob): ListingPage {
  return parseListing(html, url, new URL(site), section);
}

// What a listing page is read by, as CSS (compiled on first use).
const FEED_LINK = compileQuery('link[rel="alternate"][type="application/rss+xml"][href]');
const AUTHOR_LINK = compileQuery('a[href*="/author/"]');

/**
 * Reads a Hugo listing page (`/posts/`, `/posts/page/N/`, a taxonomy page).
 * Entries are found from their byline (`January 2, 2006 by <a href="/author/…">…</a>`, or the date
 * alone), not from theme class names, so a theme change does not silently lose the hints.
 * The page is walked once; the tree is read directly, no cheerio wrappers (a sync reads hundreds).
 */
export function parseListing(html: string, pageUrl: string, site: URL, section = '/posts/'): ListingPage {
  const document = parseDocument(html);
  const base = new URL(pageUrl);
  // A listing repeats its links (nav, tags, authors): each href is resolved once.
  const paths = new Map<string, string | undefined>();
  const pathOf = (href: string | undefined): string | undefined => {
    if (href === undefined) return undefined;
    if (!paths.has(href)) {
      const url = normalizeUrl(resolveHref(href, base) ?? '', site);
      paths.set(href, url === undefined ? undefined : new URL(url).pathname);
    }
    return paths.get(href);
  };

  const { elements, bylines } = walk(document.children);
  const postLinks = new Set<string>();
  const pageNumbers = new Set<number>();
  const pagePattern = new RegExp(`^${escapeRegExp(section)}page/(\\d+)/$`);
  for (const a of elements) {
    if (!isLink(a)) continue;
    const path = pathOf(a.attribs.href);
    if (path === undefined) continue;
    if (isPermalinkShaped(path)) postLinks.add(new URL(path, site).href);
    const page = pagePattern.exec(path);
    if (page) pageNumbers.add(Number(page[1]));
  }

  const feeds = queryAll(FEED_LINK, document)
    .map((link) => normalizeUrl(resolveHref(link.attribs.href ?? '', base) ?? '', site))
    .filter((url): url is string => url !== undefined);

  const isTitleLink = (a: Element): boolean => {
    const path = pathOf(a.attribs.href);
    // Taxonomy links are never an entry's title.
    return (
      path !== undefined && !isTaxonomyPath(path) && !pagePattern.test(path) && path !== section && !isSiteRoot(path)
    );
  };
  const entries: ListingEntry[] = [];
  const holding = bylinesWithin(bylines);
  const pageLevel = pageLinkHolders(elements, (a) => isPageLink(pathOf(a.attribs.href), section));
  for (const byline of bylines) {
    const bound = entryBound(byline, holding, pageLevel);
    const inner = nearestTitleLink(walk(bound.children, false).elements, byline, (a) => isLink(a) && isTitleLink(a));
    const titleLink = inner ?? precedingTitleLink(elements, byline, isTitleLink);
    if (titleLink === undefined) continue;
    const root = entryRoot(byline, bound, inner !== undefined && precedes(elements, inner, byline) ? inner : byline);
    const url = normalizeUrl(resolveHref(titleLink.attribs.href ?? '', base) ?? '', site);
    if (url === undefined) continue;
    const author = queryOne(AUTHOR_LINK, byline);
    entries.push(
      compact({
        url,
        title: clean(cheerioText(titleLink)),
        author: author ? clean(cheerioText(author)) : undefined,
        date: longDate(cheerioText(byline)),
        tags: tagsOf(root),
        summary: summaryOf(root, byline, titleLink),
      }),
    );
  }
  return {
    entries,
    postLinks: [...postLinks],
    pageNumbers: [...pageNumbers].sort((a, b) => a - b),
    feeds: [...new Set(feeds)],
  };
}

/** `January 2, 2006` → `2006-01-02`; computed by hand so the local time zone cannot shift the day. */
export function longDate(text: string): string | undefined {
  const match = LONG_DATE.exec(text);
  if (!match) return undefined;
  const month = MONTHS.indexOf((match[1] ?? '').toLowerCase()) + 1;
  if (month === 0) return undefined;
  return `${match[3]}-${String(month).padStart(2, '0')}-${(match[2] ?? '').padStart(2, '0')}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
