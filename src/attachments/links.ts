import type { ArchiveEntry } from '../archive/load.js';
import { normalizeUrl, permalinkPath, resolveHref } from '../site/index.js';
import { fileTypeOf } from './file-types.js';

/**
 * Where a Markdown body holds a URL. The converter writes inline links with absolute URLs; older
 * archive files, hand edits and tables kept as HTML use the other forms. Group 1 is the URL, else the match.
 */
const LINK_FORMS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\]\(\s*<([^<>\n]+)>/g, what: 'inline link or image, destination in <…>' },
  // One level of balanced parentheses, as CommonMark allows: `[x](/uploads/BR_(v2).pdf)`.
  { pattern: /\]\(\s*([^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)/g, what: 'inline link or image' },
  { pattern: /^ {0,3}\[[^\]\n]+\]:\s*<?([^\s<>]+)>?/gm, what: 'reference definition' },
  { pattern: /<(https?:\/\/[^<>\s]+)>/gi, what: 'autolink' },
  { pattern: /\b(?:href|src)\s*=\s*["']([^"']+)["']/gi, what: 'HTML attribute' },
  { pattern: /https?:\/\/[^\s<>()[\]"'`]+/gi, what: 'bare URL' },
];

/** Punctuation that ends a sentence around a bare URL rather than belonging to it. */
const TRAILING_PUNCTUATION = /[.,;:!?*_~]+$/;

/** Fenced code blocks and code spans: a URL there is text, not a link. */
function withoutCode(body: string): string {
  return body
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\1[ \t]*$|(?![\s\S]))/gm, '')
    .replace(/`[^`\n]+`/g, '');
}

/** Markdown backslash escapes in a URL (`\_`, `\(`) stand for the character itself. */
function unescapeMarkdown(url: string): string {
  return url.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/**
 * The files a post body links on `site`: normalized URLs, sorted, each once. A file is a same-host
 * link whose path ends in an extension of the file-type table and has no query (a file is known by
 * its path); pages, other hosts and unknown extensions are left out. Relative links resolve against
 * `postUrl`. Pure.
 *
 * @example fileLinks('[BR](https://cabforum.org/uploads/BR.pdf) and https://github.com/x.pdf', 'https://cabforum.org/2024/01/02/p/', new URL('https://cabforum.org'))
 *   // → ['https://cabforum.org/uploads/BR.pdf']
 */
export function fileLinks(body: string, postUrl: string, site: URL): string[] {
  const text = withoutCode(body);
  const found = new Set<string>();
  for (const { pattern } of LINK_FORMS) {
    for (const match of text.matchAll(pattern)) {
      const raw = (match[1] ?? match[0]).replace(TRAILING_PUNCTUATION, '');
      const url = fileUrl(unescapeMarkdown(raw), postUrl, site);
      if (url !== undefined) found.add(url);
    }
  }
  return [...found].sort();
}

/** The normalized URL of a link when it names a file on the site, else undefined. */
function fileUrl(href: string, postUrl: string, site: URL): string | undefined {
  const resolved = resolveHref(href, postUrl);
  const normalized = resolved === undefined ? undefined : normalizeUrl(resolved, site);
  if (normalized === undefined) return undefined;
  const url = new URL(normalized);
  return url.search === '' && fileTypeOf(url.pathname) !== undefined ? normalized : undefined;
}

/** A post to scan: its archive path, its body, and the URL its relative links resolve against. */
export interface PostBody {
  path: string;
  body: string;
  url: string;
}

/** An archive post to scan; its body is read from disk only when scanned (bodies stay on disk, as in dedupe). */
export function archivePost(entry: ArchiveEntry, site: URL): PostBody {
  return {
    path: entry.path,
    // resolveHref keeps a `#` of a Hugo permalink in the path, where new URL() would cut it off.
    url: resolveHref(permalinkPath(entry.day, entry.title), site) ?? site.href,
    get body() {
      return entry.post.body;
    },
  };
}

/** Every file the posts link: URL → the archive posts that link it (sorted). Pure. */
export function linksOfPosts(posts: Iterable<PostBody>, site: URL): Map<string, string[]> {
  const links = new Map<string, string[]>();
  for (const post of posts) {
    for (const url of fileLinks(post.body, post.url, site)) {
      const paths = links.get(url);
      if (paths) paths.push(post.path);
      else links.set(url, [post.path]);
    }
  }
  for (const paths of links.values()) paths.sort();
  return links;
}
