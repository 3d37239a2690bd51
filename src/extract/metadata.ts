import type { Document } from 'domhandler';
import { decodeHTML } from 'entities';
import { isDayOnly, toArchiveDate } from './dates.js';
import { dayOfUrl, resolveHref } from '../site/index.js';
import { squash, textOf } from './dom.js';
import type { HeadFacts } from './head.js';
import { METADATA_SOURCES, type MetaField, type MetaSource, type SourceId } from './metadata-sources.js';
import { compileQuery, queryEach } from './select.js';
import type { PageHints, PostMeta } from './extract.js';

/** Values of the DOM sources (`text`, `texts`), read before chrome removal takes them away. */
export type DomValues = ReadonlyMap<string, readonly string[]>;

/** Everything a source can read from, besides the DOM values. */
export interface MetaContext {
  head: HeadFacts;
  dom: DomValues;
  hints: PageHints;
  url: URL;
  /** The start of the extracted body's text, at least `chars` characters (all of it when shorter). Only the summary check reads it. */
  bodyText: (chars: number) => string;
}

/** Resolved metadata and which source gave each field. */
export interface ResolvedMeta {
  meta: Partial<PostMeta>;
  sources: Partial<Record<keyof PostMeta, string>>;
  canonicalUrl: string;
}

const domKey = (field: MetaField, source: MetaSource): string => `${field}\u0000${source.id}`;

// The `text`/`texts` sources of the table, each selector compiled once (on first use).
const DOM_SOURCES = (
  Object.entries(METADATA_SOURCES) as Array<[MetaField, (typeof METADATA_SOURCES)[MetaField]]>
).flatMap(([field, { sources }]) =>
  sources.flatMap((source) =>
    source.from === 'text' || source.from === 'texts'
      ? [{ key: domKey(field, source), all: source.from === 'texts', query: compileQuery(source.selector) }]
      : [],
  ),
);
const DOM_QUERIES = DOM_SOURCES.map((source) => source.query);

/** Reads every `text`/`texts` source of the table: their selector queries, in one walk over the document. */
export function readDomSources(document: Document): DomValues {
  const values = new Map<string, string[]>();
  const found = queryEach(DOM_QUERIES, document);
  for (const { key, all, query } of DOM_SOURCES) {
    const matches = found.get(query)!;
    values.set(
      key,
      (all ? matches : matches.slice(0, 1)).map((el) => squash(textOf(el))),
    );
  }
  return values;
}

/** Applies the metadata-source table: per field, its sources in order, `first` or `union`. */
export function resolveMeta(context: MetaContext): ResolvedMeta {
  const found = new Map<MetaField, { value: string | string[]; source: string }>();
  for (const [field, { pick, sources }] of Object.entries(METADATA_SOURCES) as Array<
    [MetaField, (typeof METADATA_SOURCES)[MetaField]]
  >) {
    const ids: SourceId[] = [];
    const values: string[] = [];
    for (const source of sources) {
      const fresh = rawValues(field, source, context)
        .map((raw) => normalize(field, raw))
        .filter(
          (value, index, all): value is string =>
            value !== undefined && value !== '' && !values.includes(value) && all.indexOf(value) === index,
        );
      if (fresh.length === 0) continue;
      ids.push(source.id);
      values.push(...(pick === 'first' ? fresh.slice(0, 1) : fresh));
      if (pick === 'first') break;
    }
    if (values.length > 0) found.set(field, { value: pick === 'union' ? values : values[0]!, source: ids.join('+') });
  }
  const meta: Partial<PostMeta> = {};
  const sources: Partial<Record<keyof PostMeta, string>> = {};
  for (const [field, { value, source }] of found) {
    if (field === 'canonicalUrl') continue;
    (meta as Record<string, unknown>)[field] = value;
    sources[field] = source;
  }
  return { meta, sources, canonicalUrl: (found.get('canonicalUrl')?.value as string | undefined) ?? context.url.href };
}

function rawValues(field: MetaField, source: MetaSource, context: MetaContext): readonly string[] {
  switch (source.from) {
    case 'meta': {
      const values = context.head.metas.get(source.name) ?? [];
      return source.unlessSummary
        ? values.filter((value) => !isSummaryOf(normalize(field, value) ?? '', context.bodyText))
        : values;
    }
    case 'text':
    case 'texts':
      return context.dom.get(domKey(field, source)) ?? [];
    case 'head-title':
      return context.head.title === undefined ? [] : [context.head.title.replace(source.strip, '')];
    case 'link': {
      const href = context.head.links.get(source.rel);
      return href === undefined
        ? []
        : [resolveHref(href, context.url)].filter((url): url is string => url !== undefined);
    }
    case 'hint': {
      const values = hintValues(field, source.dayOnly === true, context.hints);
      return source.unlessSummary
        ? values.filter((value) => !isSummaryOf(normalize(field, value) ?? '', context.bodyText))
        : values;
    }
    case 'url-day': {
      const day = dayOfUrl(context.url);
      return day === undefined ? [] : [day];
    }
    case 'page-url':
      return [context.url.href];
  }
}

function hintValues(field: MetaField, dayOnly: boolean, hints: PageHints): readonly string[] {
  if (field === 'canonicalUrl') return [];
  const hint = hints[field];
  if (hint === undefined) return [];
  const values = Array.isArray(hint) ? hint : [hint];
  // A day-only date hint is weaker than the URL's day; it gets its own, later source.
  return field === 'date' ? values.filter((value) => isDayOnly(value) === dayOnly) : values;
}

function normalize(field: MetaField, raw: string): string | undefined {
  if (field === 'date') return toArchiveDate(raw);
  if (field === 'aliases' || field === 'canonicalUrl') return raw.trim();
  // Hugo escapes some metas twice (`&amp;rsquo;`): what the page states is the decoded text.
  return squash(raw.includes('&') ? decodeHTML(raw) : raw);
}

// Hugo's automatic summary is the start of the body's plain text, maybe cut with an ellipsis.
// Compared on letters and digits only: markup and spacing differ between the two. Only the start
// of the body is read, longer until it holds as many letters as the description (or ends).
function isSummaryOf(description: string, bodyText: (chars: number) => string): boolean {
  const wanted = letters(description.replace(/(?:…|\.\.\.)\s*$/, ''));
  if (wanted.length === 0) return false;
  for (let chars = 2 * wanted.length + 64; ; chars *= 2) {
    const text = bodyText(chars);
    const start = letters(text);
    if (start.length >= wanted.length || text.length < chars) return start.startsWith(wanted);
  }
}

const letters = (text: string): string => text.replace(/[^\p{L}\p{N}]+/gu, '');
