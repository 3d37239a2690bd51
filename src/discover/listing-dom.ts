import type { AnyNode, Element } from 'domhandler';
import { textOf } from '../extract/dom.js';
import { compileQuery, queryAll, queryOne } from '../extract/select.js';
import { isSiteRoot, isTaxonomyIndexPath } from '../site/index.js';

// The tree walking behind parseListing (listing.ts): bylines, entry bounds and roots, title links,
// an entry's tags and summary, and the small predicates they share.

export const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
export const LONG_DATE = /\b([A-Z][a-z]+)\s+(\d{1,2}),\s+(\d{4})\b/;
/** `January 2, 2006`, maybe followed by `by Name`, and nothing else. */
const BYLINE = /^[A-Z][a-z]+\s+\d{1,2},\s+\d{4}(?:\s+by\s+.+)?$/;

// What an entry is read by, as CSS (compiled on first use).
const TAG_LINK = compileQuery('a[href*="/tags/"]');
const SUMMARY = compileQuery('p, div.summary, div.card-text');
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** Elements a byline may be; the page's outer containers never are. */
const BYLINE_TAGS = new Set(['p', 'small', 'span', 'div', 'time', 'li']);
const OUTER = new Set(['body', 'html', 'main']);

// All the text under a node as cheerio's `.text()` reads it (scripts and styles included), as listings were read before.
export const cheerioText = (node: AnyNode): string => textOf(node, Infinity, { scripts: true });

export const isLink = (element: Element): boolean => element.name === 'a' && element.attribs.href !== undefined;

/**
 * The elements under `nodes` in document order (as `$('*')` gives them, scripts and styles left
 * out), and the entries' bylines among them: `January 2, 2006 by <a href="/author/…">Name</a>`, or
 * the date alone for a post without an author (still a post). A byline is the innermost element
 * whose whole text is that line, found from the text nodes that hold a date.
 */
export function walk(nodes: readonly AnyNode[], withBylines = true): { elements: Element[]; bylines: Element[] } {
  const elements: Element[] = [];
  const bylines: Element[] = [];
  const stack: AnyNode[] = [...nodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'text') {
      if (!withBylines) continue;
      const month = LONG_DATE.exec(node.data)?.[1]?.toLowerCase();
      if (month !== undefined && MONTHS.includes(month)) {
        const byline = innermostByline(node);
        if (byline !== undefined && bylines.at(-1) !== byline) bylines.push(byline);
      }
    } else if ('children' in node) {
      if (node.type === 'tag') elements.push(node);
      const { children } = node as Element;
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
  return { elements, bylines };
}

function innermostByline(text: AnyNode): Element | undefined {
  for (let el = text.parent; el && el.type === 'tag' && !OUTER.has(el.name); el = el.parent) {
    if (!BYLINE_TAGS.has(el.name)) continue;
    const line = clean(cheerioText(el));
    if (line === undefined || line.length > 200) return undefined;
    if (BYLINE.test(line)) return el;
  }
  return undefined;
}

/** How many bylines each element holds (only elements that hold one), so entry roots cost no searches. */
export function bylinesWithin(bylines: Element[]): Map<AnyNode, number> {
  const counts = new Map<AnyNode, number>();
  for (const byline of bylines) {
    for (let el: AnyNode | null = byline; el; el = el.parent) counts.set(el, (counts.get(el) ?? 0) + 1);
  }
  return counts;
}

/**
 * The largest ancestor of the byline that may still be its entry: it holds no other entry's byline,
 * is not one of the page's outer containers, and holds none of the page's own links ({@link isPageLink}).
 * The byline count alone is not enough: on a page with a single entry nothing stops it, and the
 * "entry" grew to the whole column, header and pagination included (the live header's
 * "Filter posts by Author, Tag or Series" became a tag "Tag" of that post, on and off as the
 * post count moved entries between pages).
 */
export function entryBound(byline: Element, holding: Map<AnyNode, number>, pageLevel: Set<AnyNode>): Element {
  let root: Element = byline;
  for (let parent = byline.parent; parent && parent.type === 'tag'; parent = parent.parent) {
    if (OUTER.has(parent.name) || (holding.get(parent) ?? 0) > 1 || pageLevel.has(parent)) break;
    root = parent;
  }
  return root;
}

/**
 * An entry's root: the largest ancestor of the byline, up to `bound`, in which nothing readable (text
 * or a link) comes before the entry's first part (`start`: its title link, or the byline when the title
 * comes later or lies outside). An entry begins with its title or byline; whatever a container holds
 * before that (a page heading, an intro, a filter line) is the page's, not the entry's. So the root is
 * the same element whether the page holds one entry or many.
 */
export function entryRoot(byline: Element, bound: Element, start: Element): Element {
  let root: Element = byline;
  for (let parent = byline.parent; parent && parent.type === 'tag' && root !== bound; parent = parent.parent) {
    if (readableBefore(parent, start)) break;
    root = parent;
  }
  return root;
}

/** `container` holds text or a link before `start` (nothing, when `start` is not inside it: it then lies wholly after `start`). */
function readableBefore(container: Element, start: Element): boolean {
  if (!isInside(start, container)) return false;
  const stack: AnyNode[] = [...container.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node === start) return false;
    if (node.type === 'text') {
      if (node.data.trim() !== '') return true;
    } else if (node.type === 'tag') {
      const el = node;
      if (isLink(el)) return true;
      for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]!);
    }
  }
  return false;
}

/** Where a page links for itself, never for one entry: home, the section, any listing's pagination, a taxonomy's index. */
const PAGINATION = /\/page\/\d+\/$/;
export function isPageLink(path: string | undefined, section: string): boolean {
  return (
    path !== undefined && (path === section || isSiteRoot(path) || isTaxonomyIndexPath(path) || PAGINATION.test(path))
  );
}

/** Every element that holds a page link ({@link isPageLink}): no entry root may be one. */
export function pageLinkHolders(elements: Element[], isPage: (a: Element) => boolean): Set<AnyNode> {
  const holders = new Set<AnyNode>();
  for (const a of elements) {
    if (!isLink(a) || !isPage(a)) continue;
    for (let el: AnyNode | null = a; el && !holders.has(el); el = el.parent) holders.add(el);
  }
  return holders;
}

/**
 * The entry's title link among the elements of its bound (document order): the nearest one before the
 * byline, else the first after it (a theme that puts the date first). Not simply the first: a bound
 * may still begin with page content (a header's link) that the entry root then leaves out.
 */
export function nearestTitleLink(
  bound: Element[],
  byline: Element,
  isTitle: (a: Element) => boolean,
): Element | undefined {
  const at = bound.indexOf(byline);
  for (let i = at - 1; i >= 0; i--) if (isTitle(bound[i]!)) return bound[i];
  return bound.slice(at + 1).find((el) => isTitle(el) && !isInside(el, byline));
}

/** `a` comes before `b` in document order (`all` is the page's elements in that order). */
export function precedes(all: Element[], a: Element, b: Element): boolean {
  return all.indexOf(a) < all.indexOf(b);
}

/** In flat layouts the title link is the nearest link before the byline. */
export function precedingTitleLink(
  all: Element[],
  byline: Element,
  isTitle: (a: Element) => boolean,
): Element | undefined {
  for (let i = all.indexOf(byline) - 1; i >= 0; i--) {
    const el = all[i];
    if (el !== undefined && isLink(el) && isTitle(el)) return el;
  }
  return undefined;
}

export function tagsOf(root: Element): string[] | undefined {
  const tags = queryAll(TAG_LINK, root)
    .map((a) => clean(cheerioText(a)))
    .filter((t): t is string => t !== undefined);
  return tags.length > 0 ? [...new Set(tags)] : undefined;
}

/** The first paragraph of the entry that is neither the title, the byline nor the tag line. */
export function summaryOf(root: Element, byline: Element, title: Element): string | undefined {
  for (const node of queryAll(SUMMARY, root)) {
    if (node === byline || isInside(byline, node) || isInside(title, node) || queryOne(TAG_LINK, node) !== undefined)
      continue;
    if (inHeading(node)) continue;
    const text = clean(cheerioText(node));
    if (text) return text;
  }
  return undefined;
}

/** True when `node` is below `ancestor`. */
function isInside(node: AnyNode, ancestor: AnyNode): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) if (parent === ancestor) return true;
  return false;
}

/** The element or one of its ancestors is a heading (cheerio's `closest('h1, …, h6')`). */
function inHeading(element: Element): boolean {
  for (let el: AnyNode | null = element; el && el.type === 'tag'; el = el.parent)
    if (HEADINGS.has(el.name)) return true;
  return false;
}

export function clean(text: string): string | undefined {
  const out = text.replace(/\s+/g, ' ').trim();
  return out === '' ? undefined : out;
}
