import * as cheerio from 'cheerio';

/**
 * The target of a Hugo alias page (`<meta http-equiv="refresh" content="0; url=…">`, with a
 * canonical link), resolved against the page URL; `undefined` for any other page.
 * A real post page also has a canonical link, so the refresh is what marks an alias.
 */
export function aliasTarget(html: string, pageUrl: string): string | undefined {
  const $ = cheerio.load(html);
  const refresh = $('meta[http-equiv]')
    .toArray()
    .find((meta) => ($(meta).attr('http-equiv') ?? '').toLowerCase() === 'refresh');
  if (refresh === undefined) return undefined;
  const content = $(refresh).attr('content') ?? '';
  const match = /url\s*=\s*['"]?([^'";]+)/i.exec(content);
  const target = match?.[1] ?? $('link[rel="canonical"]').attr('href');
  if (!target) return undefined;
  try {
    return new URL(target.trim(), pageUrl).href;
  } catch {
    return undefined;
  }
}
