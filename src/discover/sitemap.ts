import { readXml, textOf, listOf } from './xml.js';

/** One `<url>` of a sitemap. */
export interface SitemapPage {
  loc: string;
  lastmod?: string;
}

/** A sitemap (`<urlset>`) gives pages; a sitemap index (`<sitemapindex>`) gives child sitemaps. */
export type SitemapResult =
  | { ok: true; pages: SitemapPage[]; sitemaps: string[] }
  | { ok: false; reason: string };

/** Reads a sitemap or sitemap index (sitemaps.org 0.9). */
export function parseSitemap(xml: string): SitemapResult {
  const read = readXml(xml);
  if (!read.ok) return read;
  const urlset = read.doc['urlset'] as Record<string, unknown> | undefined;
  const index = read.doc['sitemapindex'] as Record<string, unknown> | undefined;
  if (urlset === undefined && index === undefined) {
    return { ok: false, reason: 'not a sitemap: no <urlset> or <sitemapindex> root' };
  }
  const pages: SitemapPage[] = [];
  for (const entry of listOf(urlset?.['url'])) {
    const loc = textOf((entry as Record<string, unknown>)['loc']);
    if (!loc) continue;
    const lastmod = textOf((entry as Record<string, unknown>)['lastmod']);
    pages.push(lastmod ? { loc, lastmod } : { loc });
  }
  const sitemaps = listOf(index?.['sitemap'])
    .map((entry) => textOf((entry as Record<string, unknown>)['loc']))
    .filter((loc): loc is string => loc !== undefined);
  return { ok: true, pages, sitemaps };
}
