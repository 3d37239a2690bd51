import { decodePath, isFilePath, urlPath } from './url.js';

/** `/YYYY/MM/DD/…/` (any depth: Hugo keeps `/` of a title), and Hugo's zero date `/1/01/01/…/`. */
const DATED_PATH = /^\/(\d{1,4})\/(\d{2})\/(\d{2})\/(.+)$/;

/** The `YYYY-MM-DD` a dated page path (`/2022/11/03/<title>/`, `/1/01/01/<title>/`) carries. */
export function dayOfPath(path: string): string | undefined {
  const match = DATED_PATH.exec(path);
  if (!match || isFilePath(path)) return undefined;
  return `${match[1]!.padStart(4, '0')}-${match[2]}-${match[3]}`;
}

/**
 * True when a path has the shape of a post permalink. A shape only: what a page *is* is the
 * extractor's verdict on the page itself (see src/site/page-kind.ts); this only sorts URLs.
 */
export function isPermalinkShaped(path: string): boolean {
  return dayOfPath(path) !== undefined;
}

/** The day a URL's path carries (`https://cabforum.org/2022/11/03/<title>/` → `2022-11-03`), if any. */
export function dayOfUrl(url: string | URL): string | undefined {
  return dayOfPath(decodePath(typeof url === 'string' ? urlPath(url) : url.pathname));
}
