import type { HeadFacts } from '../extract/head.js';
import { isPermalinkShaped } from './post-path.js';
import { isListingSectionPath } from './sections.js';
import { resolveHref } from './url.js';

/** What kind of page a fetched document is. */
export type PageKind = 'alias' | 'listing' | 'post' | 'other';

/** Facts the classification rules look at. `listingEntries` is lazy: only computed if a rule asks. */
export interface PageFacts {
  url: URL;
  head: HeadFacts;
  /** Number of listing entries (`title link`, `… by <a href="/author/…">`) in the page. */
  listingEntries: () => number;
}

/** One classification rule: the first matching rule decides the kind. */
export interface PageKindRule {
  kind: PageKind;
  test: (facts: PageFacts) => boolean;
  why: string;
}

/** The classification table, in order. */
export const PAGE_KIND_RULES: readonly PageKindRule[] = [
  {
    kind: 'alias',
    test: (f) => f.head.refreshUrl !== undefined,
    why: 'Hugo alias pages are a meta refresh plus a canonical link to the post',
  },
  {
    kind: 'listing',
    test: (f) => isListingSectionPath(f.url.pathname),
    why: '/posts/, /tags/<tag>/, /author/<name>/, /series/<name>/ and their /page/N/ list posts',
  },
  {
    kind: 'post',
    test: (f) => f.head.metas.has('article:published_time'),
    why: 'Hugo marks posts with their publish time',
  },
  { kind: 'post', test: (f) => f.head.metas.get('og:type')?.[0] === 'article', why: 'Open Graph type of a post' },
  {
    kind: 'post',
    test: (f) => isPermalinkShaped(f.url.pathname),
    why: 'posts live at /YYYY/MM/DD/<title>/ (older layouts lack the metas)',
  },
  {
    kind: 'listing',
    test: (f) => f.listingEntries() >= 2,
    why: 'a page of "title, date by author" entries is a listing wherever it lives',
  },
];

/** Classifies a page by the first matching rule; `other` when none match. */
export function classifyPage(facts: PageFacts): PageKind {
  return PAGE_KIND_RULES.find((rule) => rule.test(facts))?.kind ?? 'other';
}

/**
 * Where an alias page sends the reader: the refresh URL (what a browser follows), else the
 * canonical link, resolved against the page URL. Hugo's alias pages carry both, pointing at the post.
 */
export function redirectTarget(head: Pick<HeadFacts, 'refreshUrl' | 'links'>, pageUrl: URL): string | undefined {
  const target = head.refreshUrl || head.links.get('canonical');
  return target ? resolveHref(target, pageUrl) : undefined;
}
