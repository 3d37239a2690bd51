import { dayOfUrl } from './post-path.js';
import { pathKey, type PathKey } from './url.js';

/** A URL the site named, read once: its comparison key and the day its path carries. */
export interface SitePage {
  url: string;
  key: PathKey;
  /** `YYYY-MM-DD` of a dated permalink. */
  day?: string;
}

/** Reads a normalized URL into a {@link SitePage}: the one place a page's key and day are made. */
export function sitePage(url: string): SitePage {
  const day = dayOfUrl(url);
  return { url, key: pathKey(url), ...(day !== undefined && { day }) };
}
