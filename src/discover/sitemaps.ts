// The site's sitemap tree: `/sitemap.xml` and, when it is an index, its children, within caps.
import { normalizeUrl, resolveHref } from '../site/index.js';
import { parseSitemap, type SitemapPage } from './sitemap.js';
import { orThrow, type GetSource } from './sources.js';

export const SITEMAP = '/sitemap.xml';
const MAX_SITEMAPS = 100;
// Sitemaps read at once: each may be up to maxBytes of XML, so memory stays a few of them.
const SITEMAPS_AT_ONCE = 4;

/**
 * Reads `/sitemap.xml` and, breadth first, every child sitemap of an index: at most MAX_SITEMAPS
 * sitemaps and `maxUrls` pages in all (`capped` when the pages were cut there).
 */
export async function readSitemaps(
  site: URL,
  get: GetSource,
  log: (message: string) => void,
  maxUrls: number,
): Promise<{ ok: boolean; capped: boolean; pages: SitemapPage[] }> {
  const pages: SitemapPage[] = [];
  const seen = new Set<string>();
  let queue = [new URL(SITEMAP, site).href];
  let ok = true;
  let capped = false;
  while (queue.length > 0 && seen.size < MAX_SITEMAPS && !capped) {
    const batch = [...new Set(queue.filter((url) => !seen.has(url)))].slice(
      0,
      Math.min(SITEMAPS_AT_ONCE, MAX_SITEMAPS - seen.size),
    );
    batch.forEach((url) => seen.add(url));
    const room = maxUrls - pages.length;
    const parsedAll = await Promise.all(batch.map((url) => get(url, (body) => orThrow(parseSitemap(body, room)))));
    queue = queue.filter((url) => !seen.has(url));
    parsedAll.forEach((parsed, i) => {
      if (parsed === undefined || !parsed.ok) return void (ok = false);
      if (parsed.capped) capped = true;
      // One at a time: spreading a 125,000-URL sitemap into push() overflows the call stack.
      for (const page of parsed.pages) {
        if (pages.length >= maxUrls) return void (capped = true);
        pages.push(page);
      }
      for (const child of parsed.sitemaps) {
        const url = normalizeUrl(resolveHref(child, batch[i]!) ?? '', site);
        if (url !== undefined) queue.push(url);
      }
    });
  }
  // Children past the cap are not read: the sitemap is then not the whole site.
  const unread = new Set(queue.filter((url) => !seen.has(url))).size;
  if (unread > 0 && !capped) log(`discover: ${unread} child sitemaps past the cap of ${MAX_SITEMAPS} not read`);
  return { ok: ok && unread === 0 && !capped && pages.length > 0, capped, pages };
}
