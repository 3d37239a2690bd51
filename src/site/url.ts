/**
 * One post = one URL. Links to a page come in many spellings (scheme, `www.`, `index.html`,
 * fragments, tracking queries, percent-encoding of non-ASCII letters); every stage turns them
 * into one fetchable URL ({@link normalizeUrl}) and one comparison key ({@link pathKey}) here.
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

/**
 * A last path segment that names a file rather than a page folder. Hugo titles keep their dots
 * (`version-1.3-of-the-ev-guidelines`), so "has a dot" is not enough: a file has a short extension
 * that starts with a letter.
 */
const FILE_SEGMENT = /\.[a-z][a-z0-9]{0,4}(\.gz)?$/i;

/**
 * The one key every stage compares URLs and paths by: the decoded path, NFC, lower-cased, one
 * leading and one trailing slash, no `index.html`. Made only by {@link pathKey}, so a plain string
 * can never be compared with a key by mistake.
 */
export type PathKey = string & { readonly __brand: 'PathKey' };

/**
 * Hugo keeps `#` of a title in the permalink and writes it raw (`/f2f-meeting-#58-zürich/`), so a
 * URL parser would cut the path there. A real fragment never holds a `/`: a `#` followed by one is
 * part of the path, and is escaped as `%23` before parsing.
 */
function keepHashInPath(url: string): string {
  return url.replace(/#(?=[^#]*\/)/g, '%23');
}

/** Strips a leading `www.` so `www.example.org` and `example.org` compare equal. */
function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^www\./, '');
}

/**
 * The one "same site" rule, for links and requests alike: the host with or without `www.`, on the
 * site's port (explicit ports only: an http link to an https site is the same page on the default port).
 */
export function isOnSite(url: URL, site: URL): boolean {
  return bareHost(url.hostname) === bareHost(site.hostname) && url.port === site.port;
}

/** Percent-decodes a path; an invalid escape leaves the path as it is. `%2F` stays encoded: it is not a separator. */
export function decodePath(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path.replace(/%2f/gi, '%252F'));
  } catch {
    return path;
  }
}

/** True when the path's last segment names a file (`/uploads/x.pdf`, `/sitemap.xml`), not a page folder. */
export function isFilePath(path: string): boolean {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last !== '' && FILE_SEGMENT.test(last);
}

// ASCII is in NFC already; asking ICU costs more than the rest of a URL's normalization.
const ASCII = /^[\x00-\x7f]*$/;

function normalizePath(pathname: string): string {
  // A decoded `\` would be read back as `/` by the URL parser (`a%5Cb.pdf` fetched as `a/b.pdf`): kept encoded.
  let path = decodePath(pathname).replaceAll('\\', '%5C');
  if (!ASCII.test(path)) path = path.normalize('NFC');
  path = path.replace(/\/{2,}/g, '/').replace(INDEX_FILES, '/');
  if (!path.startsWith('/')) path = `/${path}`;
  // Pages are folders; a file (feed, sitemap, PDF) keeps its name.
  if (!path.endsWith('/') && !isFilePath(path)) path += '/';
  return path;
}

/**
 * Normalizes a link found on the site to the one spelling cabsync fetches it by. Relative links
 * resolve against `site`. Case is kept (a server may be case-sensitive for files); percent-encoding
 * is made uniform. Returns `undefined` when the link is unparsable, not http(s), or off the site.
 *
 * @example normalizeUrl('HTTP://www.Example.org/2022/11/03/a/index.html?utm_source=x#top', new URL('https://example.org'))
 *   // → 'https://example.org/2022/11/03/a/'
 */
export function normalizeUrl(url: string, site: URL): string | undefined {
  if (isNormalFor(url, site)) return url;
  let parsed: URL;
  try {
    parsed = new URL(keepHashInPath(url.trim()), site);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (!isOnSite(parsed, site)) return undefined;

  // The site's own spelling wins for scheme and host: http/https and www. are the same page.
  const out = new URL(site.origin);
  out.pathname = normalizePath(parsed.pathname);
  if (parsed.search === '') return out.href;
  for (const [name, value] of parsed.searchParams) {
    if (!TRACKING_PARAMS.some((rule) => rule.test(name.toLowerCase()))) out.searchParams.append(name, value);
  }
  return out.href;
}

/**
 * A URL the rules above leave as it is: the site's own origin, then a folder path of letters,
 * digits, `-`, `_`, `.` and `/` (no empty or dot segment, no index file) and nothing after it.
 * Most URLs a sitemap lists are such: they skip two URL parses.
 */
const PLAIN_PATH = /^(?:\/(?!\.{1,2}\/)[A-Za-z0-9_.-]+)*\/$/;

function isNormalFor(url: string, site: URL): boolean {
  const { origin } = site;
  return (
    url.length > origin.length &&
    url.startsWith(origin) &&
    url.charCodeAt(origin.length) === 47 &&
    PLAIN_PATH.test(url.slice(origin.length))
  );
}

/** `new URL(url).pathname` of an absolute URL. */
export function urlPath(url: string): string {
  return new URL(url).pathname;
}

/**
 * Resolves a link as the site writes it against the page it is on, keeping a `#` that belongs to
 * the path (see keepHashInPath). `undefined` when it is no URL.
 */
export function resolveHref(href: string, base: URL | string): string | undefined {
  try {
    return new URL(keepHashInPath(href.trim()), base).href;
  } catch {
    return undefined;
  }
}

/**
 * The comparison key of a URL or a path (see {@link PathKey}). Hugo lower-cases every path it
 * makes, so case never tells two posts apart; neither does percent-encoding.
 *
 * @example pathKey('https://cabforum.org/2023/05/11/Minutes-of-the-S/MIME-working-group/index.html') // '/2023/05/11/minutes-of-the-s/mime-working-group/'
 */
export function pathKey(urlOrPath: string): PathKey {
  let path = keepHashInPath(urlOrPath.trim());
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    try {
      path = urlPath(path);
    } catch {
      // Not a URL after all: used as a path.
    }
  } else {
    path = path.replace(/[?#].*$/, '');
  }
  return normalizePath(path).toLowerCase() as PathKey;
}
