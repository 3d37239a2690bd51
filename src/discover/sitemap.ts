import { SaxesParser } from 'saxes';

/** One `<url>` of a sitemap. */
export interface SitemapPage {
  loc: string;
  lastmod?: string;
}

/** A sitemap (`<urlset>`) gives pages; a sitemap index (`<sitemapindex>`) gives child sitemaps. */
export type SitemapResult =
  /** `capped`: the document lists more pages than `maxPages`; only the first are kept. */
  { ok: true; pages: SitemapPage[]; sitemaps: string[]; capped?: true } | { ok: false; reason: string };

/** The fields read of an entry (`<url>` or `<sitemap>`): its own children, not those of nested extensions (`<image:image><image:loc>`). */
const FIELDS = new Set(['loc', 'lastmod']);

/** Depths below the document: the root is 1, an entry 2, an entry's field 3. */
const ROOT = 1;
const ENTRY = 2;
const FIELD = 3;

/**
 * Reads a sitemap or sitemap index (sitemaps.org 0.9) in one streaming pass of a strict XML parser
 * (saxes): a document that is not well-formed is a reason, not a guess, and no tree is built
 * (docs/performance.md has what it costs). Past `maxPages` pages none is kept (the document is still
 * checked): a sitemap of a million URLs costs its text, not a million objects.
 */
export function parseSitemap(xml: string, maxPages = Infinity): SitemapResult {
  let root: string | undefined;
  const pages: SitemapPage[] = [];
  let capped = false;
  const sitemaps: string[] = [];
  let depth = 0;
  // The entry being read (each field's texts: a field given twice says nothing), and the field.
  let entry: Map<string, string[]> | undefined;
  let field: string[] | undefined;
  const parser = new SaxesParser();
  parser.on('opentag', ({ name }) => {
    const local = localName(name);
    depth += 1;
    if (depth === ROOT) root = local;
    else if (
      depth === ENTRY &&
      ((root === 'urlset' && local === 'url') || (root === 'sitemapindex' && local === 'sitemap'))
    )
      entry = new Map();
    else if (depth === FIELD && entry && FIELDS.has(local)) {
      field = entry.get(local) ?? [];
      field.push('');
      entry.set(local, field);
    }
  });
  // A field's own text and CDATA; text of elements nested in it is not its value.
  const text = (chunk: string): void => {
    if (field && depth === FIELD) field[field.length - 1] += chunk;
  };
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('closetag', () => {
    if (depth === FIELD) field = undefined;
    else if (depth === ENTRY && entry) {
      const loc = only(entry.get('loc'));
      if (loc && root === 'urlset' && pages.length >= maxPages) capped = true;
      else if (loc && root === 'urlset') {
        const lastmod = only(entry.get('lastmod'));
        pages.push(lastmod ? { loc, lastmod } : { loc });
      } else if (loc) sitemaps.push(loc);
      entry = undefined;
    }
    depth -= 1;
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    return { ok: false, reason: `invalid XML: ${xmlError(error)}` };
  }
  if (root !== 'urlset' && root !== 'sitemapindex')
    return { ok: false, reason: 'not a sitemap: no <urlset> or <sitemapindex> root' };
  return capped ? { ok: true, pages, sitemaps, capped } : { ok: true, pages, sitemaps };
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

/** The trimmed text of a field given once; a field given twice (or empty) says nothing. */
function only(values: string[] | undefined): string | undefined {
  return values?.length === 1 ? values[0]!.trim() || undefined : undefined;
}

/** saxes says `12:40: unexpected close tag.`; the report says what and where. */
function xmlError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^(\d+):(\d+): (.*?)\.?$/s.exec(message);
  return match ? `${match[3]} (line ${match[1]}, column ${match[2]})` : message;
}
