import * as cheerio from 'cheerio';
import type { AnyNode, Element, Text } from 'domhandler';
import { isPermalinkShaped, normalizeUrl, resolveHref } from '../site/index.js';

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

/** Where taxonomy links point; they are never an entry's title. */
const TAXONOMY = /^\/(author|authors|tags|categories|series)\//;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const LONG_DATE = /\b([A-Z][a-z]+)\s+(\d{1,2}),\s+(\d{4})\b/;
/** `January 2, 2006`, maybe followed by `by Name`, and nothing else. */
const BYLINE = /^[A-Z][a-z]+\s+\d{1,2},\s+\d{4}(?:\s+by\s+.+)?$/;

/**
 * Reads a Hugo listing page (`/posts/`, `/posts/page/N/`, a taxonomy page).
 * Entries are found from their byline (`January 2, 2006 by <a href="/author/…">…</a>`, or the date
 * alone), not from theme class names, so a theme change does not silently lose the hints.
 */
export function parseListing(html: string, pageUrl: string, site: URL, section = '/posts/'): ListingPage {
  const $ = cheerio.load(html);
  const base = new URL(pageUrl);
  const pathOf = (href: string | undefined): string | undefined => {
    const url = href === undefined ? undefined : normalizeUrl(resolveHref(href, base) ?? '', site);
    return url === undefined ? undefined : new URL(url).pathname;
  };

  const postLinks = new Set<string>();
  const pageNumbers = new Set<number>();
  const pagePattern = new RegExp(`^${escapeRegExp(section)}page/(\\d+)/$`);
  $('a[href]').each((_, a) => {
    const path = pathOf($(a).attr('href'));
    if (path === undefined) return;
    if (isPermalinkShaped(path)) postLinks.add(new URL(path, site).href);
    const page = pagePattern.exec(path);
    if (page) pageNumbers.add(Number(page[1]));
  });

  const feeds = $('link[rel="alternate"][type="application/rss+xml"][href]')
    .toArray()
    .map((link) => normalizeUrl(resolveHref($(link).attr('href') ?? '', base) ?? '', site))
    .filter((url): url is string => url !== undefined);

  let all: Element[] | undefined;
  const allElements = (): Element[] => (all ??= $('*').toArray().filter((node): node is Element => node.type === 'tag'));
  const isTitleLink = (a: Element): boolean => {
    const path = pathOf($(a).attr('href'));
    return path !== undefined && !TAXONOMY.test(path) && !pagePattern.test(path) && path !== section && path !== '/';
  };
  const entries: ListingEntry[] = [];
  const bylines = findBylines($);
  const holding = bylinesWithin(bylines);
  for (const byline of bylines) {
    const root = entryRoot(byline, holding);
    const titleLink = $(root).find('a[href]').toArray().find(isTitleLink) ?? precedingTitleLink(allElements(), byline, isTitleLink);
    if (titleLink === undefined) continue;
    const url = normalizeUrl(resolveHref($(titleLink).attr('href') ?? '', base) ?? '', site);
    if (url === undefined) continue;
    const author = $(byline).find('a[href*="/author/"]').first();
    entries.push(
      compact({
        url,
        title: clean($(titleLink).text()),
        author: author.length > 0 ? clean(author.text()) : undefined,
        date: longDate($(byline).text()),
        tags: tagsOf($, root),
        summary: summaryOf($, root, byline, titleLink),
      }),
    );
  }
  return { entries, postLinks: [...postLinks], pageNumbers: [...pageNumbers].sort((a, b) => a - b), feeds: [...new Set(feeds)] };
}

/** Elements a byline may be; the page's outer containers never are. */
const BYLINE_TAGS = new Set(['p', 'small', 'span', 'div', 'time', 'li']);
const OUTER = new Set(['body', 'html', 'main']);

/**
 * Entries' bylines, in document order: `January 2, 2006 by <a href="/author/…">Name</a>`, or the date
 * alone for a post without an author (still a post). Each is the innermost element whose whole text
 * is that line, found from the text nodes that hold a date (one walk, not a text per element).
 */
function findBylines($: cheerio.CheerioAPI): Element[] {
  const bylines: Element[] = [];
  const stack: AnyNode[] = [...($.root()[0]?.children ?? [])].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'text') {
      const month = LONG_DATE.exec((node as Text).data)?.[1]?.toLowerCase();
      if (month !== undefined && MONTHS.includes(month)) {
        const byline = innermostByline($, node);
        if (byline !== undefined && bylines.at(-1) !== byline) bylines.push(byline);
      }
    } else if ('children' in node) {
      stack.push(...[...(node as Element).children].reverse());
    }
  }
  return bylines;
}

function innermostByline($: cheerio.CheerioAPI, text: AnyNode): Element | undefined {
  for (let el = text.parent; el && el.type === 'tag' && !OUTER.has((el as Element).name); el = el.parent) {
    if (!BYLINE_TAGS.has((el as Element).name)) continue;
    const line = clean($(el).text());
    if (line === undefined || line.length > 200) return undefined;
    if (BYLINE.test(line)) return el as Element;
  }
  return undefined;
}

/** How many bylines each element holds (only elements that hold one), so entry roots cost no searches. */
function bylinesWithin(bylines: Element[]): Map<AnyNode, number> {
  const counts = new Map<AnyNode, number>();
  for (const byline of bylines) {
    for (let el: AnyNode | null = byline; el; el = el.parent) counts.set(el, (counts.get(el) ?? 0) + 1);
  }
  return counts;
}

/** The largest ancestor of the byline that holds no other entry's byline. */
function entryRoot(byline: Element, holding: Map<AnyNode, number>): Element {
  let root: Element = byline;
  for (let parent = byline.parent; parent && parent.type === 'tag'; parent = parent.parent) {
    if (OUTER.has((parent as Element).name) || (holding.get(parent) ?? 0) > 1) break;
    root = parent as Element;
  }
  return root;
}

/** In flat layouts the title link is the nearest link before the byline. */
function precedingTitleLink(all: Element[], byline: Element, isTitle: (a: Element) => boolean): Element | undefined {
  for (let i = all.indexOf(byline) - 1; i >= 0; i--) {
    const el = all[i];
    if (el !== undefined && el.name === 'a' && el.attribs.href !== undefined && isTitle(el)) return el;
  }
  return undefined;
}

function tagsOf($: cheerio.CheerioAPI, root: Element): string[] | undefined {
  const tags = $(root).find('a[href*="/tags/"]').toArray().map((a) => clean($(a).text())).filter((t): t is string => t !== undefined);
  return tags.length > 0 ? [...new Set(tags)] : undefined;
}

/** The first paragraph of the entry that is neither the title, the byline nor the tag line. */
function summaryOf($: cheerio.CheerioAPI, root: Element, byline: Element, title: Element): string | undefined {
  const candidates = $(root).find('p, div.summary, div.card-text').toArray();
  for (const node of candidates) {
    const $node = $(node);
    if (node === byline || $node.find(byline).length > 0 || $node.find(title).length > 0 || $node.is(':has(a[href*="/tags/"])')) continue;
    if ($node.closest('h1, h2, h3, h4, h5, h6').length > 0) continue;
    const text = clean($node.text());
    if (text) return text;
  }
  return undefined;
}

/** `January 2, 2006` → `2006-01-02`; computed by hand so the local time zone cannot shift the day. */
export function longDate(text: string): string | undefined {
  const match = LONG_DATE.exec(text);
  if (!match) return undefined;
  const month = MONTHS.indexOf((match[1] ?? '').toLowerCase()) + 1;
  if (month === 0) return undefined;
  return `${match[3]}-${String(month).padStart(2, '0')}-${(match[2] ?? '').padStart(2, '0')}`;
}

function clean(text: string): string | undefined {
  const out = text.replace(/\s+/g, ' ').trim();
  return out === '' ? undefined : out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
