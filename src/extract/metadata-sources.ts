/**
 * Where each front matter field comes from, in order of preference. The extractor interprets this
 * table; it holds no algorithm. A field no source can fill is left out, never invented.
 */

/** Fields the table fills: the front matter fields plus the post's canonical URL. */
export type MetaField = 'title' | 'date' | 'tags' | 'description' | 'author' | 'aliases' | 'canonicalUrl';

/**
 * How far a source's value is trusted: `layout`, the current layout carries it on every post page
 * (health warns when a page's value came from elsewhere); `fallback`, the site's word from another
 * place; `guess`, derived or partial, never allowed to overwrite a value the archive has.
 */
export type Trust = 'layout' | 'fallback' | 'guess';

/** What every source row has: its id (unique within its field), its trust, and why it is there. */
interface SourceRow {
  id: string;
  trust: Trust;
  why: string;
}

/** One place a value can be read from. */
export type MetaSource = SourceRow &
  (
    | /** `<meta property|name=…>` in `<head>`, every value in document order. */
      { from: 'meta'; name: string; unlessSummary?: true }
      /** Trimmed text of the first element matching `selector` (`strip` removed). */
    | { from: 'text'; selector: string; strip?: RegExp }
    /** Trimmed texts of every element matching `selector`, in document order. */
    | { from: 'texts'; selector: string }
    /** Text of `<title>` in `<head>` (`strip` removed). */
    | { from: 'head-title'; strip: RegExp }
    /** `href` of `<link rel=…>` in `<head>`. */
    | { from: 'link'; rel: string }
    /** The caller's hint (feed item, listing entry). `dayOnly` takes a date hint without a time. */
    | { from: 'hint'; dayOnly?: true; unlessSummary?: true }
    /** The post URL's `/YYYY/MM/DD/` day, at 00:00:00. */
    | { from: 'url-day' }
    /** The URL the page was fetched from, after redirects. */
    | { from: 'page-url' }
  );

/** How the values of a field's sources combine. */
export interface FieldSources {
  /** `first`: the first source with a value wins. `union`: values of all sources, first-seen order, no duplicates. */
  pick: 'first' | 'union';
  sources: readonly MetaSource[];
}

/** The metadata-source table. */
export const METADATA_SOURCES = {
  title: {
    pick: 'first',
    sources: [
      { id: 'h1', trust: 'layout', from: 'text', selector: '#content h1', why: 'the title as the page shows it' },
      {
        id: 'og:title',
        trust: 'fallback',
        from: 'meta',
        name: 'og:title',
        why: 'same title, present on every Hugo page',
      },
      {
        id: 'title',
        trust: 'fallback',
        from: 'head-title',
        strip: /\s*\|\s*CA\/Browser Forum\s*$/,
        why: 'older layouts: `{Title} | CA/Browser Forum`',
      },
      { id: 'hint', trust: 'fallback', from: 'hint', why: 'a listing entry or feed item title' },
    ],
  },
  date: {
    pick: 'first',
    sources: [
      {
        id: 'article:published_time',
        trust: 'layout',
        from: 'meta',
        name: 'article:published_time',
        why: 'the full publish date and time',
      },
      { id: 'hint', trust: 'fallback', from: 'hint', why: 'a feed pubDate carries the time too' },
      {
        id: 'url-day',
        trust: 'guess',
        from: 'url-day',
        why: 'posts live at /YYYY/MM/DD/<slug>/: the day is certain, the time is not',
      },
      { id: 'hint-day', trust: 'guess', from: 'hint', dayOnly: true, why: 'a listing entry shows the day only' },
    ],
  },
  tags: {
    pick: 'union',
    sources: [
      {
        id: 'tags-box',
        trust: 'layout',
        from: 'texts',
        selector: '.col a[href*="/tags/"], aside a[href*="/tags/"]',
        why: 'the Tags box is on every post page',
      },
      {
        id: 'article:tag',
        trust: 'fallback',
        from: 'meta',
        name: 'article:tag',
        why: 'newer builds only, first six tags',
      },
      { id: 'hint', trust: 'fallback', from: 'hint', why: 'tags of a listing entry' },
    ],
  },
  description: {
    pick: 'first',
    sources: [
      {
        id: 'description',
        trust: 'guess',
        from: 'meta',
        name: 'description',
        unlessSummary: true,
        why: 'Hugo fills it with the automatic summary when the post has none; only a real description counts',
      },
      {
        id: 'hint',
        trust: 'guess',
        from: 'hint',
        unlessSummary: true,
        why: "a listing entry's summary, which is Hugo's automatic one unless the post has its own",
      },
    ],
  },
  author: {
    pick: 'first',
    sources: [
      { id: 'hint', trust: 'fallback', from: 'hint', why: 'post pages do not show the author; listing pages do' },
    ],
  },
  aliases: {
    pick: 'union',
    sources: [
      { id: 'hint', trust: 'fallback', from: 'hint', why: 'old paths are known only from alias redirect pages' },
    ],
  },
  canonicalUrl: {
    pick: 'first',
    sources: [
      { id: 'canonical', trust: 'fallback', from: 'link', rel: 'canonical', why: 'the URL the site names as the post' },
      { id: 'og:url', trust: 'fallback', from: 'meta', name: 'og:url', why: 'same URL in Open Graph' },
      { id: 'page-url', trust: 'fallback', from: 'page-url', why: 'the final URL after redirects' },
    ],
  },
} as const satisfies Readonly<Record<MetaField, FieldSources>>;

/** The id of a source in the table: what an extracted field's `sources` entry names. */
export type SourceId = (typeof METADATA_SOURCES)[MetaField]['sources'][number]['id'];

/**
 * True when a field's value is a guess (see {@link Trust}): every source it was read from (`ids`, as
 * an extracted page's `sources` names them, `+`-joined for a union) is one.
 */
export function isGuess(field: string, ids: string): boolean {
  const sources: readonly MetaSource[] | undefined = (METADATA_SOURCES as Partial<Record<string, FieldSources>>)[field]
    ?.sources;
  return ids.split('+').every((id) => sources?.find((source) => source.id === id)?.trust === 'guess');
}

/** The sources the current layout provides `field` from on every post page. */
export function layoutSources(field: MetaField): SourceId[] {
  return METADATA_SOURCES[field].sources.filter((source) => source.trust === 'layout').map((source) => source.id);
}
