import { flatSlug } from '../site/hugo.js';

/** Longest slug we write; keeps file names well under common 255-byte limits. */
export const MAX_SLUG_LENGTH = 100;

/**
 * The site's slug for a title: lower-case, accents folded, every run of
 * non-alphanumerics collapsed to `-`. The result is always a safe single
 * path segment (no `.`, `/`, `\` or NUL can survive), never empty.
 */
export function slugify(title: string): string {
  const slug = flatSlug(title).slice(0, MAX_SLUG_LENGTH).replace(/-+$/, '');
  return slug === '' ? 'post' : slug;
}

/** The day part (`YYYY-MM-DD`) of an archive date, or undefined when it has none. */
export function dayOf(date: string | undefined): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date ?? '');
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}

/** Where a post lives in the archive: `posts/YYYY/YYYY-MM-DD-<slug>.md` (posix, relative to the archive root). */
export function postPath(day: string, title: string, suffix = ''): string {
  return `posts/${day.slice(0, 4)}/${day}-${slugify(title)}${suffix}.md`;
}

/** Titles compared for identity: case, punctuation, quotes and dashes do not count. */
export function normalizeTitle(title: string): string {
  return flatSlug(title.replace(/[‘’“”]/g, '')).replaceAll('-', ' ');
}

/**
 * A file name fits its post when it is the post's path for its day and title, or that path with the
 * name-clash suffix `-N`. One rule for `verify` (misnamed) and for the sync (rename after a retitle).
 */
export function fitsName(path: string, day: string, title: string): boolean {
  const expected = postPath(day, title);
  if (path === expected) return true;
  const stem = expected.slice(0, -'.md'.length);
  return path.startsWith(`${stem}-`) && /^-\d+\.md$/.test(path.slice(stem.length));
}
