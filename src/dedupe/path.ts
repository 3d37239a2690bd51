/** Highest suffix tried before giving up: far beyond any real clash, it only stops a broken `taken`. */
const MAX_SUFFIX = 10_000;

/**
 * The first free path for a new post: `basePath` itself, else `-2`, `-3`, …
 * inserted before `.md` (`posts/2022/2022-11-03-x.md` → `posts/2022/2022-11-03-x-2.md`).
 * `taken` says whether a path already holds a different post. Pure.
 *
 * @example
 * nextFreePath('posts/2022/2022-11-03-x.md', (p) => p === 'posts/2022/2022-11-03-x.md') // 'posts/2022/2022-11-03-x-2.md'
 */
export function nextFreePath(basePath: string, taken: (path: string) => boolean): string {
  if (!taken(basePath)) return basePath;
  const stem = basePath.endsWith('.md') ? basePath.slice(0, -'.md'.length) : basePath;
  const extension = basePath.endsWith('.md') ? '.md' : '';
  for (let n = 2; n <= MAX_SUFFIX; n += 1) {
    const candidate = `${stem}-${n}${extension}`;
    if (!taken(candidate)) return candidate;
  }
  throw new Error(`no free file name for ${basePath}: suffixes -2 to -${MAX_SUFFIX} are all taken`);
}
