/**
 * Where each front matter field comes from, in order of preference. The extractor interprets this
 * table; it holds no algorithm. A field no source can fill is left out, never invented.
 */

/** Fields the table fills: the front matter fields plus the post's canonical URL. */
export type MetaField = 'title' | 'date' | 'tags' | 'description' | 'author' | 'aliases' | 'canonicalUrl';

/** One place a value can be read from. */
export type MetaSource =
  /** `<meta property|name=…>` in `<head>`, every value in document order. */
  | { id: string; from: 'meta'; name: string; why: string; unlessSummary?: true }
  /** Trimmed text of the first element matching `selector` (`strip` removed). */
  | { id: string; from: 'text'; selector: string; strip?: RegExp; why: string }
  /** Trimmed texts of every element matching `selector`, in document order. */
  | { id: string; from: 'texts'; selector: string; why: string }
  /** Text of `<title>` in `<head>` (`strip` removed). */
  | { id: string; from: 'head-title'; strip: RegExp; why: string }
  /** `href` of `<link rel=…>` in `<head>`. */
  | { id: string; from: 'link'; rel: string; why: string }
  /** The caller's hint (feed item, listing entry). `dayOnly` takes a date hint without a time. */
  | { id: string; from: 'hint'; dayOnly?: true; why: string; unlessSummary?: true }
  /** The post URL's `/YYYY/MM/DD/` day, at 00:00:00. */
  | { id: string; from: 'url-day'; why: string }
  /** The URL the page was fetched from, after redirects. */
  | { id: string; from: 'page-url'; why: string };

/** How the values of a field's sources combine. */
export interface FieldSources {
  /** `first`: the first source with a value wins. `union`: values of all sources, first-seen order, no duplicates. */
  pick: 'first' | 'union';
  sources: readonly MetaSource[];
}

/** The metadata-source table. */
export const METADATA_SOURCES: Readonly<Record<MetaField, FieldSources>> = {
  title: {
    pick: 'first',
    sources: [
      { id: 'h1', from: 'text', selector: '#content h1', why: 'the title as the page shows it' },
      { id: 'og:title', from: 'meta', name: 'og:title', why: 'same title, present on every Hugo page' },
      { id: 'title', from: 'head-title', strip: /\s*\|\s*CA\/Browser Forum\s*$/, why: 'older layouts: `{Title} | CA/Browser Forum`' },
      { id: 'hint', from: 'hint', why: 'a listing entry or feed item title' },
    ],
  },
  date: {
    pick: 'first',
    sources: [
      { id: 'article:published_time', from: 'meta', name: 'article:published_time', why: 'the full publish date and time' },
      { id: 'hint', from: 'hint', why: 'a feed pubDate carries the time too' },
      { id: 'url-day', from: 'url-day', why: 'posts live at /YYYY/MM/DD/<slug>/: the day is certain, the time is not' },
      { id: 'hint-day', from: 'hint', dayOnly: true, why: 'a listing entry shows the day only' },
    ],
  },
  tags: {
    pick: 'union',
    sources: [
      { id: 'tags-box', from: 'texts', selector: '.col a[href*="/tags/"], aside a[href*="/tags/"]', why: 'the Tags box is on every post page' },
      { id: 'article:tag', from: 'meta', name: 'article:tag', why: 'newer builds only, first six tags' },
      { id: 'hint', from: 'hint', why: 'tags of a listing entry' },
    ],
  },
  description: {
    pick: 'first',
    sources: [
      {
        id: 'description',
        from: 'meta',
        name: 'description',
        unlessSummary: true,
        why: 'Hugo fills it with the automatic summary when the post has none; only a real description counts',
      },
      { id: 'hint', from: 'hint', unlessSummary: true, why: "a listing entry's summary, which is Hugo's automatic one unless the post has its own" },
    ],
  },
  author: {
    pick: 'first',
    sources: [{ id: 'hint', from: 'hint', why: 'post pages do not show the author; listing pages do' }],
  },
  aliases: {
    pick: 'union',
    sources: [{ id: 'hint', from: 'hint', why: 'old paths are known only from alias redirect pages' }],
  },
  canonicalUrl: {
    pick: 'first',
    sources: [
      { id: 'canonical', from: 'link', rel: 'canonical', why: 'the URL the site names as the post' },
      { id: 'og:url', from: 'meta', name: 'og:url', why: 'same URL in Open Graph' },
      { id: 'page-url', from: 'page-url', why: 'the final URL after redirects' },
    ],
  },
};
