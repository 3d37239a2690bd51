/**
 * One post = one URL. Links to a post come in many spellings (scheme, `www.`, `index.html`,
 * fragments, tracking queries); normalizing them first is what lets discovery union its sources.
 */

/** Query parameters that only track the visitor and never select content. */
const TRACKING_PARAMS: readonly { test: (name: string) => boolean; why: string }[] = [
  { test: (name) => name.startsWith('utm_'), why: 'Google Analytics campaign tags' },
  { test: (name) => ['fbclid', 'gclid', 'dclid', 'msclkid', 'yclid'].includes(name), why: 'ad-network click ids' },
  { test: (name) => ['mc_cid', 'mc_eid'].includes(name), why: 'Mailchimp campaign ids' },
  { test: (name) => ['ref', 'ref_src', 'source', '_ga', '_gl'].includes(name), why: 'referrer and cross-domain tags' },
];

/** Directory index files that name the same page as their folder. */
const INDEX_FILES = /\/(index\.html?|default\.html?)$/i;

/** Strips a leading `www.` so `www.example.org` and `example.org` compare equal. */
function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^www\./, '');
}

/**
 * Normalizes a link found on the site to the one spelling cabsync uses for it.
 * Relative links resolve against `site`. Returns `undefined` when the link is unparsable,
 * not http(s), or points off the site (another host or port).
 *
 * @example normalizeUrl('HTTP://www.Example.org/2022/11/03/a/index.html?utm_source=x#top', new URL('https://example.org'))
 *   // → 'https://example.org/2022/11/03/a/'
 */
export function normalizeUrl(url: string, site: URL): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim(), site);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (bareHost(parsed.hostname) !== bareHost(site.hostname)) return undefined;
  // Explicit ports only: an http link to an https site is the same page on the default port.
  if (parsed.port !== site.port) return undefined;

  // The site's own spelling wins for scheme and host: http/https and www. are the same page.
  const out = new URL(site.origin);
  out.pathname = normalizePath(parsed.pathname);
  for (const [name, value] of parsed.searchParams) {
    if (!TRACKING_PARAMS.some((rule) => rule.test(name.toLowerCase()))) out.searchParams.append(name, value);
  }
  return out.href;
}

function normalizePath(pathname: string): string {
  let path = pathname.replace(/\/{2,}/g, '/').replace(INDEX_FILES, '/');
  const last = path.slice(path.lastIndexOf('/') + 1);
  // Pages are folders; a last segment with an extension is a file (feed, sitemap, PDF) and keeps its name.
  if (last !== '' && !last.includes('.')) path += '/';
  return path;
}

const POST_PATH = /^\/(\d{4})\/(\d{2})\/(\d{2})\/[^/]+\/$/;

/** True for a post permalink path, `/YYYY/MM/DD/<slug>/`. */
export function isPostPath(pathname: string): boolean {
  return POST_PATH.test(pathname);
}

/** The `YYYY-MM-DD` a post permalink path carries, or `undefined` when it is not one. */
export function postPathDate(pathname: string): string | undefined {
  const match = POST_PATH.exec(pathname);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}
