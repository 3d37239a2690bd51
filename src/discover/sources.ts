import type { Fetcher } from '../fetch/fetcher.js';

/** What one read of a discovery source (sitemap, listing page, feed) gave. */
export type SourceResult<T> = { ok: true; value: T; finalUrl: string } | { ok: false; error: string };

/** Reads a source and parses it; `parse` must return plain JSON data (it may be kept between runs). */
export type ReadSource = <T>(
  url: string,
  parse: (body: string, finalUrl: string) => T | Promise<T>,
) => Promise<SourceResult<T>>;

/** A source as last read: its validators and what it parsed to. */
export interface CachedSource {
  etag?: string;
  lastModified?: string;
  finalUrl: string;
  value: unknown;
}

/** Parsed sources by URL, kept in the crawl state so that a re-sync can ask "changed since?". */
export type SourceCache = Record<string, CachedSource>;

/**
 * Reads discovery sources conditionally: a source read before is asked for with its ETag /
 * Last-Modified, and a 304 gives back what it parsed to last time. An unchanged site costs one
 * empty answer per source, not a download. Without a cache, every read is a plain GET.
 */
export function sourceReader(fetcher: Fetcher, cache?: SourceCache): ReadSource {
  return async <T>(
    url: string,
    parse: (body: string, finalUrl: string) => T | Promise<T>,
  ): Promise<SourceResult<T>> => {
    const cached = cache?.[url];
    const result = await fetcher.get(
      url,
      cached ? { etag: cached.etag, lastModified: cached.lastModified } : undefined,
    );
    if (!result.ok) return { ok: false, error: result.error };
    if (result.notModified && cached) return { ok: true, value: cached.value as T, finalUrl: cached.finalUrl };
    if (result.body === undefined) return { ok: false, error: 'empty response' };
    let value: T;
    try {
      value = await parse(result.body, result.finalUrl);
    } catch (error) {
      // A parse can fail (a sitemap or feed found broken: see orThrow below; a worker thread that died or
      // took too long on a listing page): this source fails, not the run.
      return { ok: false, error: `cannot read it: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (cache) {
      if (result.etag || result.lastModified) {
        cache[url] = {
          finalUrl: result.finalUrl,
          value,
          ...(result.etag && { etag: result.etag }),
          ...(result.lastModified && { lastModified: result.lastModified }),
        };
      } else {
        delete cache[url];
      }
    }
    return { ok: true, value, finalUrl: result.finalUrl };
  };
}

/** Reads one source, recording a failure; `undefined` when it could not be read. */
export type GetSource = <T>(
  url: string,
  parse: (body: string, finalUrl: string) => T | Promise<T>,
) => Promise<T | undefined>;

/**
 * A parse that found the document broken throws: the source reader then reports the source as
 * failed (with the parser's line and column) and keeps nothing of it in its cache.
 */
export function orThrow<T extends { ok: boolean }>(result: T | { ok: false; reason: string }): T {
  if ('reason' in result && !result.ok) throw new Error(result.reason);
  return result;
}
