import type { Document, Element } from 'domhandler';
import { removeElement } from 'domutils';
import { CHROME_RULES, OUTSIDE_CONTENT, PULLED_IN_CHROME, type ChromeRegion } from './chrome-rules.js';
import { removeChrome } from './chrome.js';
import { classifyPage, isPermalinkShaped, redirectTarget } from '../site/index.js';
import { findContent, hasContent, type ContentRoot } from './content.js';
import { limitDepth, MAX_DEPTH, squash, textOf } from './dom.js';
import { readHead, type HeadFacts } from './head.js';
import { innerHtml, parseDocument } from './html.js';
import { readDomSources, resolveMeta } from './metadata.js';
import { compileQuery, queryAll, queryOne } from './select.js';

/** What the caller already knows about a page (feed item, listing entry, alias pages). */
export interface PageHints {
  title?: string;
  author?: string;
  /** ISO 8601, e.g. a feed `pubDate` or a listing entry's day (`2022-11-03`). */
  date?: string;
  tags?: string[];
  description?: string;
  aliases?: string[];
}

/** Front matter fields extracted from a post page. */
export interface PostMeta {
  title: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  date?: string;
  tags?: string[];
  author?: string;
  description?: string;
  aliases?: string[];
}

/** The outcome of extracting one page. Never thrown: a page that cannot be used is `failed`. */
export type Extracted =
  | {
      kind: 'post';
      url: string;
      canonicalUrl: string;
      meta: PostMeta;
      contentHtml: string;
      /** field -> id of the metadata source it came from, e.g. `{ title: 'h1', date: 'article:published_time' }` */
      sources: Partial<Record<keyof PostMeta, string>>;
      /** chrome rule id -> number of elements it removed on this page */
      chromeRemoved: Record<string, number>;
    }
  | { kind: 'alias'; url: string; /** absolute URL */ target: string }
  | { kind: 'listing'; url: string }
  | { kind: 'other'; url: string; reason: string }
  | { kind: 'failed'; url: string; reason: string };

/** The post variant of {@link Extracted}. */
export type ExtractedPost = Extract<Extracted, { kind: 'post' }>;

/**
 * An extracted page and, for a post with a body, that body as parsed (its root element): convert
 * walks it, so a page is parsed once (docs/converter.md, "The DOM view").
 */
export interface ParsedPage {
  page: Extracted;
  body?: Element;
}

/** The post as plain data without its body, to cross to another thread once converted. */
export function withoutBody(page: ExtractedPost): ExtractedPost {
  const fields = Object.entries(Object.getOwnPropertyDescriptors(page)).filter(
    ([key, field]) => field.enumerable && key !== 'contentHtml',
  );
  return { ...Object.fromEntries(fields.map(([key, field]) => [key, field.value])), contentHtml: '' } as ExtractedPost;
}

const LISTING_ENTRY = compileQuery('small a[href*="/author/"]');
const PULLED_IN = compileQuery(PULLED_IN_CHROME);
const HEADING = compileQuery('h1');

// Without the site layout, page chrome is removed before the body is looked for; body chrome always after.
const PAGE_REGIONS: readonly ChromeRegion[] = ['header', 'side', 'footer'];
// In table order, as one list: one walk finds the candidates of every rule (see removeChrome).
const PAGE_RULES = PAGE_REGIONS.flatMap((region) => CHROME_RULES[region]);
const ALL_RULES = [...PAGE_RULES, ...CHROME_RULES.body];

/**
 * Extracts one fetched page: a post (metadata, body HTML without chrome), an alias, a listing,
 * another kind of page, or a failure naming the URL. One parse (parse5), walked as domhandler nodes; deterministic.
 *
 * @example
 * const page = extractPage(html, 'https://cabforum.org/2022/11/03/…/', { author: 'Corey Bonnell' });
 * if (page.kind === 'post') console.log(page.meta.title, page.sources.title);
 */
export function extractPage(html: string, url: string, hints: PageHints = {}): Extracted {
  return extractParsedPage(html, url, hints).page;
}

/** {@link extractPage}, with the post's body as parsed for the converter (`bodyMarkdown(page, body)`). */
export function extractParsedPage(html: string, url: string, hints: PageHints = {}): ParsedPage {
  const found = extractPageAndBody(html, url, hints);
  return 'page' in found ? found : { page: found };
}

function extractPageAndBody(html: string, url: string, hints: PageHints): Extracted | ParsedPage {
  let pageUrl: URL;
  try {
    pageUrl = new URL(url);
  } catch {
    return { kind: 'failed', url, reason: `not an absolute URL: ${url}` };
  }
  if (html.trim() === '') return { kind: 'failed', url, reason: 'empty page' };
  const truncated = truncation(html);
  if (truncated) return { kind: 'failed', url, reason: truncated };

  const document = parseDocument(html);
  const landmarks = walkPage(document);
  const head = readHead(landmarks.head);
  const kind = classifyPage({ url: pageUrl, head, listingEntries: () => queryAll(LISTING_ENTRY, document).length });
  switch (kind) {
    case 'alias': {
      const target = redirectTarget(head, pageUrl);
      return target
        ? { kind: 'alias', url, target }
        : { kind: 'failed', url, reason: 'alias page without a usable target URL' };
    }
    case 'listing':
      return { kind: 'listing', url };
    case 'other':
      return { kind: 'other', url, reason: describeOther(head, pageUrl) };
    case 'post':
      return extractPost(document, { head, pageUrl, url, hints, layout: landmarks.content });
  }
}

interface PostInput {
  head: HeadFacts;
  pageUrl: URL;
  url: string;
  hints: PageHints;
  /** The site layout's `#content`, if the page has one. */
  layout: Element | undefined;
}

function extractPost(
  document: Document,
  { head, pageUrl, url, hints, layout: layoutElement }: PostInput,
): Extracted | ParsedPage {
  const dom = readDomSources(document); // before chrome removal: the h1 and the Tags box are sources
  const chromeRemoved: Record<string, number> = {};
  const content = layoutContent(document, layoutElement, chromeRemoved) ?? fallbackContent(document, chromeRemoved);
  if (!content)
    return { kind: 'failed', url, reason: 'no credible content: no #content, main, article or block of text' };
  // Broken markup can pull the side column or footer into the body: then every rule runs there.
  const pulledIn = content.via === '#content' && queryOne(PULLED_IN, content.root) !== undefined;
  removeChrome(document, pulledIn ? ALL_RULES : CHROME_RULES.body, chromeRemoved, content.root);

  const bodyText = (chars: number): string => textOf(content.root, chars);
  const { meta, sources, canonicalUrl } = resolveMeta({ head, dom, hints, url: pageUrl, bodyText });
  if (meta.title === undefined) return { kind: 'failed', url, reason: 'no title: no <h1>, og:title or <title>' };
  if (content.via !== '#content') removeTitleHeading(content.root, meta.title, chromeRemoved);
  const empty = !hasContent(content.root);
  // The site layout's #content with a title and no body is a post with an empty body (such posts
  // exist); elsewhere an empty block means the heuristic found nothing.
  if (empty && content.via !== '#content')
    return { kind: 'failed', url, reason: `no credible content: ${content.via} is empty once chrome is removed` };

  let html: string | undefined = empty ? '' : undefined;
  const post = {
    kind: 'post' as const,
    url,
    canonicalUrl,
    meta: meta as PostMeta,
    get contentHtml(): string {
      return (html ??= innerHtml(content.root));
    },
    sources,
    chromeRemoved,
  };
  return empty ? post : { page: post, body: content.root };
}

// The site layout's #content holds the post and nothing else: it is set aside, and what is around it
// goes. The page rules still run on the rest, for their counts: layout health watches them.
function layoutContent(
  document: Document,
  root: Element | undefined,
  counts: Record<string, number>,
): ContentRoot | undefined {
  if (!root || !hasContent(root)) return undefined;
  removeElement(root);
  removeChrome(document, PAGE_RULES, counts);
  counts[OUTSIDE_CONTENT.id] = 1;
  return { root, via: '#content' };
}

// Without the layout, page chrome is removed first so the content heuristic cannot pick it.
function fallbackContent(document: Document, counts: Record<string, number>): ContentRoot | undefined {
  removeChrome(document, PAGE_RULES, counts);
  return findContent(document);
}

// Outside the site layout the title is a plain first <h1>; it goes to front matter, not the body.
function removeTitleHeading(root: Element, title: string, counts: Record<string, number>): void {
  const heading = queryOne(HEADING, root);
  if (heading === undefined || squash(textOf(heading)) !== title) return;
  removeElement(heading);
  counts['title-block'] = (counts['title-block'] ?? 0) + 1;
}

// One walk over the document: depth limited (see MAX_DEPTH), `<head>` and `#content` noted on the way.
function walkPage(document: Document): { head?: Element; content?: Element } {
  const found: { head?: Element; content?: Element } = {};
  limitDepth(document, MAX_DEPTH, (element) => {
    if (element.name === 'head') found.head ??= element;
    else if (element.attribs.id === 'content') found.content ??= element;
  });
  return found;
}

/**
 * Detects a page cut off in transfer: it ends inside a tag, or it has the site layout but not the
 * footer every site page ends with. Cheap string checks, before parsing.
 */
function truncation(html: string): string | undefined {
  const end = html.trimEnd();
  if (end.lastIndexOf('<') > end.lastIndexOf('>')) return 'truncated page: it ends inside a tag';
  if (/\bid=["']?content["'\s>]/.test(html) && !/<footer[\s>]/i.test(html))
    return 'truncated page: it has the site layout but no footer';
  return undefined;
}

function describeOther(head: HeadFacts, pageUrl: URL): string {
  const type = head.metas.get('og:type')?.[0];
  const path = isPermalinkShaped(pageUrl.pathname)
    ? pageUrl.pathname
    : `${pageUrl.pathname} (not /YYYY/MM/DD/<title>/)`;
  return `not a post: no article:published_time, og:type ${type === undefined ? 'missing' : `"${type}"`}, path ${path}`;
}
