/**
 * What a healthy sync looks like, as tables. health.ts interprets them; it holds no site knowledge.
 * Ids are those of src/extract/metadata-sources.ts and src/extract/chrome-rules.ts.
 */
import { countLinks, countTableCells, countWords } from './measure.js';
import { layoutSources, type SourceId } from '../extract/metadata-sources.js';

/** A front matter field and the sources the current layout provides it from. */
export interface FieldExpectation {
  field: 'title' | 'date' | 'tags';
  /** The field's `layout` sources in the metadata-sources table; any other source is a fallback. */
  expected: readonly SourceId[];
  why: string;
}

/**
 * Fields whose source tells whether the layout still carries them. Not listed: `description`
 * (optional on the site), `author` and `aliases` (never on a post page, always from hints).
 */
export const FIELD_EXPECTATIONS: readonly FieldExpectation[] = [
  {
    field: 'title',
    expected: layoutSources('title'),
    why: 'every post shows its title as the `<h1>` in `#content`; og:title or `<title>` means `#content` moved',
  },
  {
    field: 'date',
    expected: layoutSources('date'),
    why: 'the only source on the page with the time; a feed hint covers the newest 30 posts, the URL gives the day only',
  },
  {
    field: 'tags',
    expected: layoutSources('tags'),
    why: 'the Tags box lists every tag; `article:tag` has six at most and only on some builds',
  },
];

/** A chrome rule that matches only some post pages, so its silence on most pages means nothing. */
export interface OptionalChrome {
  rule: string;
  why: string;
}

/** Every chrome rule not listed here is expected to remove something on most post pages. */
export const OPTIONAL_CHROME: readonly OptionalChrome[] = [
  // Header: nested pieces are removed with their container on some builds, so they count 0 there.
  { rule: 'search-modal', why: 'only on builds with the Pagefind dialog; otherwise inside the navbar' },
  { rule: 'logo', why: 'inside the navbar on some builds, removed with it' },
  // Side column.
  { rule: 'side-menu', why: 'section menus are on non-post pages only' },
  { rule: 'release-unavailable', why: 'only when GitHub was unreachable when the site was built' },
  // Inside the body: depends on what the post contains.
  { rule: 'heading-anchor', why: 'only posts with headings' },
  { rule: 'scripts', why: 'rare inside a post body' },
  { rule: 'styles', why: 'rare inside a post body' },
  { rule: 'forms', why: 'rare inside a post body' },
  { rule: 'embeds', why: 'rare inside a post body' },
  { rule: 'pagefind-ignore', why: 'rare inside a post body' },
];

/** One way of measuring a body; a loss beyond {@link THRESHOLDS.maxLoss} against the archive is a warning. */
export interface BodyMeasure {
  measure: 'words' | 'links' | 'table cells';
  count: (markdown: string) => number;
  /** Below this many in the archived version, a loss is an edit, not a lost layout piece. */
  minBefore: number;
  why: string;
}

export const BODY_MEASURES: readonly BodyMeasure[] = [
  { measure: 'words', count: countWords, minBefore: 20, why: 'a wrong content root drops paragraphs' },
  {
    measure: 'links',
    count: countLinks,
    minBefore: 3,
    why: 'a converter change or a new link markup drops URLs (seed 000 lost its links this way)',
  },
  {
    measure: 'table cells',
    count: countTableCells,
    minBefore: 4,
    why: 'a changed table markup flattens ballots and minutes tables',
  },
];

export const THRESHOLDS = {
  /** A body that loses more than this share of words, links or cells is suspect. */
  maxLoss: 1 / 3,
  /** Site-wide checks need this many post pages in the sync: one or two new posts prove nothing. */
  minPages: 5,
  /** A rule or source matching on fewer than this share of the pages has stopped matching. */
  minShare: 0.5,
} as const;
