import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parsePost, type Post } from './post.js';
import { parseArchiveDate } from './date.js';
import { dayOf, normalizeTitle } from './slug.js';
import { pathKey, permalinkPath, type PathKey } from '../site/index.js';
import { pull, push } from './multimap.js';
import { cachedIfSame, isJsonSafe, readCache, writeCache, type CachedFile, type LoadCache } from './cache.js';

/** Files larger than this are reported, not read: no real post comes close. */
export const MAX_POST_BYTES = 5 * 1024 * 1024;

/** One well-formed archive file. */
export interface ArchiveEntry {
  /** Posix path relative to the archive root, e.g. `posts/2022/2022-11-03-x.md`. */
  path: string;
  post: Post;
  title: string;
  /** `YYYY-MM-DD` of the post's date. */
  day: string;
  /** Length of the body in characters, when known without reading it. */
  size?: number;
}

/** A file that could not be loaded; it is reported and never written. */
export interface Malformed {
  path: string;
  reason: string;
}

/** The archive as loaded in one pass, with the lookups dedupe needs. */
export interface ArchiveIndex {
  root: string;
  entries: ArchiveEntry[];
  malformed: Malformed[];
  byPath: Map<string, ArchiveEntry>;
  /** Every alias path and canonical permalink path (see `pathKey` in src/site) → the posts that claim it. */
  byUrlPath: Map<PathKey, ArchiveEntry[]>;
  /** `YYYY-MM-DD|normalized title` → posts. */
  byDateTitle: Map<string, ArchiveEntry[]>;
}

/** `YYYY-MM-DD|normalized title`: the date-and-title identity of a post. */
export function dateTitleKey(day: string, title: string): string {
  return `${day}|${normalizeTitle(title)}`;
}

/** The URL paths a post answers to: its aliases and its own permalink. */
export function urlPathsOf(entry: Pick<ArchiveEntry, 'post' | 'day' | 'title'>): PathKey[] {
  const aliases = Array.isArray(entry.post.frontMatter.aliases) ? entry.post.frontMatter.aliases : [];
  const paths = aliases.filter((a): a is string => typeof a === 'string').map(pathKey);
  paths.push(pathKey(permalinkPath(entry.day, entry.title)));
  return [...new Set(paths)];
}

/** Checks one file's text; a reason when it cannot be a post. Pure. */
export function checkPostText(path: string, bytes: Uint8Array): { ok: true; entry: ArchiveEntry } | { ok: false; reason: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, reason: 'not valid UTF-8' };
  }
  const parsed = parsePost(text);
  if (!parsed.ok) return parsed;
  const { title, date } = parsed.post.frontMatter;
  if (typeof title !== 'string' || title.trim() === '') return { ok: false, reason: 'missing title' };
  if (date === undefined || date === null) return { ok: false, reason: 'missing date' };
  if (!parseArchiveDate(date)) return { ok: false, reason: `date does not parse: ${JSON.stringify(date)}` };
  return { ok: true, entry: { path, post: parsed.post, title, day: dayOf(date as string)! } };
}

/** Builds the lookups over loaded entries. Pure. */
export function buildIndex(root: string, entries: ArchiveEntry[], malformed: Malformed[] = []): ArchiveIndex {
  const index: ArchiveIndex = { root, entries: [], malformed, byPath: new Map(), byUrlPath: new Map(), byDateTitle: new Map() };
  for (const entry of entries) addToIndex(index, entry);
  return index;
}

/** Adds or replaces an entry (same path) in the index, so a sync sees its own writes. */
export function addToIndex(index: ArchiveIndex, entry: ArchiveEntry): void {
  const previous = index.byPath.get(entry.path);
  if (previous) removeFromIndex(index, previous);
  index.entries.push(entry);
  index.byPath.set(entry.path, entry);
  for (const key of urlPathsOf(entry)) push(index.byUrlPath, key, entry);
  push(index.byDateTitle, dateTitleKey(entry.day, entry.title), entry);
}

function removeFromIndex(index: ArchiveIndex, entry: ArchiveEntry): void {
  index.entries.splice(index.entries.indexOf(entry), 1);
  index.byPath.delete(entry.path);
  for (const key of urlPathsOf(entry)) pull(index.byUrlPath, key, entry);
  pull(index.byDateTitle, dateTitleKey(entry.day, entry.title), entry);
}

/**
 * Reads every `*.md` under `<root>/posts` in one pass. Malformed files are
 * reported with their reason and never touched; symbolic links are not
 * followed (they could point outside the archive). With `cache` (a sync, under
 * the archive's lock), files unchanged since the last load are not read again.
 */
export async function loadArchive(root: string, options: { cache?: boolean } = {}): Promise<ArchiveIndex> {
  const malformed: Malformed[] = [];
  const entries: ArchiveEntry[] = [];
  const cache = options.cache ? readCache(root) : { version: 1 as const, files: {} };
  const next: LoadCache = { version: 1, files: {} };
  let changed = false;
  for (const file of await listMarkdown(join(root, 'posts'), malformed, root)) {
    const result = loadOne(root, file, cache);
    if ('reason' in result) {
      malformed.push(result);
      continue;
    }
    entries.push(result.entry);
    if (result.cached) next.files[result.entry.path] = result.cached;
    changed ||= result.cached !== cache.files[result.entry.path];
  }
  changed ||= Object.keys(next.files).length !== Object.keys(cache.files).length;
  if (options.cache && changed) await writeCache(root, next);
  return buildIndex(root, entries, malformed);
}

// Synchronous on purpose: nothing else runs while the archive loads, and the
// promise-based calls cost several times more per small file.
function loadOne(root: string, file: string, cache: LoadCache): { entry: ArchiveEntry; cached?: CachedFile } | Malformed {
  const path = relative(root, file).split(sep).join('/');
  let fd: number;
  try {
    // O_NOFOLLOW: a symbolic link could point anywhere outside the archive.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { path, reason: code === 'ELOOP' ? 'symbolic link (not followed)' : `cannot read: ${(error as Error).message}` };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.size > MAX_POST_BYTES) return { path, reason: `file too large (${stat.size} bytes, limit ${MAX_POST_BYTES})` };
    const hit = cachedIfSame(cache, path, stat);
    if (hit) {
      const post = lazyBody(file, hit.frontMatter, hit.bodyOffset);
      return { entry: { path, post, title: hit.title, day: hit.day, size: hit.bodyLength }, cached: hit };
    }
    const bytes = readFileSync(fd);
    const checked = checkPostText(path, bytes);
    if (!checked.ok) return { path, reason: checked.reason };
    const { post, title, day } = checked.entry;
    const bodyOffset = bytes.length - Buffer.byteLength(post.body);
    const entry = { path, title, day, size: post.body.length, post: lazyBody(file, post.frontMatter, bodyOffset) };
    const cached = isJsonSafe(post.frontMatter)
      ? { mtimeMs: stat.mtimeMs, size: stat.size, ino: stat.ino, frontMatter: post.frontMatter, title, day, bodyOffset, bodyLength: post.body.length }
      : undefined;
    return { entry, cached };
  } finally {
    closeSync(fd);
  }
}

/**
 * Keeps a post's front matter in memory and its body on disk: the body is read again only when
 * a page is compared with this post, so a 10,000-post archive costs megabytes, not hundreds.
 */
function lazyBody(file: string, frontMatter: Post['frontMatter'], offset: number): Post {
  const lazy = { frontMatter } as Post;
  Object.defineProperty(lazy, 'body', {
    enumerable: true,
    get: () => readFileSync(file).subarray(offset).toString('utf8'),
  });
  return lazy;
}

async function listMarkdown(dir: string, malformed: Malformed[], root: string): Promise<string[]> {
  let names;
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const dirent of names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = join(dir, dirent.name);
    if (dirent.isDirectory()) files.push(...(await listMarkdown(full, malformed, root)));
    else if (dirent.isSymbolicLink() && dirent.name.endsWith('.md')) files.push(full);
    else if (dirent.isSymbolicLink()) malformed.push({ path: relative(root, full).split(sep).join('/'), reason: 'symbolic link (not followed)' });
    else if (dirent.isFile() && dirent.name.endsWith('.md')) files.push(full);
  }
  return files;
}
