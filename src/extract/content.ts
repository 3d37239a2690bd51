import type { Document, Element } from 'domhandler';
import { hasText, squash, textOf } from './dom.js';
import { compileQuery, queryAll, queryOne } from './select.js';

/**
 * Where the body of a post is looked for when the page lacks the site layout's `#content`
 * (the extractor takes that one directly), in order; the first credible one wins.
 */
export const CONTENT_SOURCES: readonly { id: string; selector: string; why: string }[] = [
  { id: 'main', selector: 'main', why: 'older layouts and mirrors: the main landmark (chrome already removed)' },
  { id: 'article', selector: 'article', why: 'older layouts and mirrors: one article per post' },
];

const SOURCE_QUERIES = CONTENT_SOURCES.map((source) => ({ id: source.id, query: compileQuery(source.selector) }));
// A body of only a rule (a post that is a divider, or whose text was removed) is still a body.
const MEDIA = compileQuery('img, table, hr');
const TEXT_BLOCKS = compileQuery('p, pre, li');

/** A block found by the text-density fallback needs at least this much paragraph text to count. */
export const MIN_FALLBACK_TEXT = 140;

/** The chosen content root and how it was found. */
export interface ContentRoot {
  root: Element;
  /** `#content`, a CONTENT_SOURCES id, or `text-block` for the fallback heuristic. */
  via: string;
}

/** Finds the post body; undefined when nothing credible is on the page. Run after page chrome is removed. */
export function findContent(document: Document): ContentRoot | undefined {
  for (const source of SOURCE_QUERIES) {
    const root = queryOne(source.query, document);
    if (root !== undefined && hasContent(root)) return { root, via: source.id };
  }
  const block = largestTextBlock(document);
  return block ? { root: block, via: 'text-block' } : undefined;
}

/** True when an element holds text, an image, a table or a rule: something worth archiving. */
export function hasContent(element: Element): boolean {
  return hasText(element) || queryOne(MEDIA, element) !== undefined;
}

// The element whose direct paragraphs hold the most text (a small Readability-like score).
function largestTextBlock(document: Document): Element | undefined {
  const scores = new Map<Element, number>();
  for (const paragraph of queryAll(TEXT_BLOCKS, document)) {
    const parent = paragraph.parent as Element | null;
    if (!parent || parent.type !== 'tag') continue;
    const holder = paragraph.name === 'li' ? ((parent.parent as Element | null) ?? parent) : parent;
    scores.set(holder, (scores.get(holder) ?? 0) + squash(textOf(paragraph)).length);
  }
  let best: Element | undefined;
  let bestScore = MIN_FALLBACK_TEXT - 1;
  for (const [element, score] of scores) {
    if (score > bestScore) [best, bestScore] = [element, score];
  }
  return best;
}
