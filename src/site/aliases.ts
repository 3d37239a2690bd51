import { flatSlug } from './hugo.js';
import { isSiteRoot } from './sections.js';
import { pathKey, type PathKey } from './url.js';

/**
 * The alias paths of a post, from every path the site revealed as redirecting to it: one sorted
 * set, without the post's own permalink (a post is never its own alias) and never the site root.
 *
 * @example revealedAliases('https://cabforum.org/2023/05/11/x/', ['/2023-05-11-x/', '/2023/05/11/x/']) // ['/2023-05-11-x/']
 */
export function revealedAliases(canonicalUrl: string, paths: readonly string[]): PathKey[] {
  const own = pathKey(canonicalUrl);
  const keys = new Set<PathKey>();
  for (const path of paths) {
    if (path.trim() === '') continue;
    const key = pathKey(path);
    if (key !== own && !isSiteRoot(key)) keys.add(key);
  }
  return [...keys].sort();
}

/**
 * The paths an older scheme of the site gave a post, which it may still answer with a redirect:
 * `/<YYYY-MM-DD>-<slug>/` and `/YYYY/MM/DD/<slug>/`, with the old flat slug (every run of
 * non-alphanumerics one `-`). Candidates to ask about, never aliases by themselves.
 */
export function conventionalOldPaths(day: string, title: string, ownUrl: string): PathKey[] {
  const slug = flatSlug(title);
  if (slug === '') return [];
  return revealedAliases(ownUrl, [`/${day}-${slug}/`, `/${day.replaceAll('-', '/')}/${slug}/`]);
}
