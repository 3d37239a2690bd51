import type { ExtractedPost } from '../extract/extract.js';
import { dayOf } from '../archive/slug.js';
import { conventionalOldPaths, normalizeUrl, pathKey, type PathKey } from '../site/index.js';
import type { Run } from './run.js';

/**
 * Asks the site, once per post, whether it still answers the post's conventional old paths with
 * a redirect to it (an HTTP redirect, or Hugo's refresh stub). Only a path the site sends to this
 * very post becomes an alias; what was asked is remembered in the state, so a re-sync never asks
 * again (the ledger records `asked`). Returns the paths asked and those that redirect here;
 * undefined when there is nothing to ask.
 */
export async function probeAliases(
  run: Run,
  url: string,
  post: ExtractedPost,
): Promise<{ asked: PathKey[]; found: PathKey[] } | undefined> {
  const day = dayOf(post.meta.date);
  if (day === undefined || run.state.urls[url]?.probed !== undefined) return undefined;
  const own = pathKey(post.canonicalUrl);
  // A path the archive already holds (this post's alias, or another post's) needs no asking.
  const paths = conventionalOldPaths(day, post.meta.title, post.canonicalUrl).filter(
    (path) => !run.dedupe.archive.byUrlPath.has(path),
  );
  const found = await Promise.all(paths.map(async (path) => ((await redirectsTo(run, path, own)) ? path : undefined)));
  return { asked: paths, found: found.filter((path) => path !== undefined) };
}

async function redirectsTo(run: Run, path: string, own: string): Promise<boolean> {
  const url = normalizeUrl(path, run.options.site);
  if (url === undefined) return false;
  const result = await run.fetcher.get(url);
  if (!result.ok || result.body === undefined) return false;
  if (pathKey(result.finalUrl) === own) return true;
  const converted = await run.pool
    .convert({ html: result.body, url: result.finalUrl, hints: {} })
    .catch(() => undefined);
  return converted?.extracted.kind === 'alias' && pathKey(converted.extracted.target) === own;
}
