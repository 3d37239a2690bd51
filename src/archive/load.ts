import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
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
  /** Its index keys, once known (the load cache keeps them): see {@link indexKeys}. */
  keys?: IndexKeys;
}

/** What the index files a post under. */
export interface IndexKeys {
  /** The URL paths it answers to (see {@link urlPathsOf}). */
  urlPaths: PathKey[];
  /** Its {@link dateTitleKey}. */
  dateTitle: string;
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

/** {@link normalizeTitle} of a post's title, read off its date-title key (kept by the load cache), not made again. */
export function titleKeyOf(entry: Pick<ArchiveEntry, 'post' | 'day' | 'title' | 'keys'>): string {
  const key = indexKeys(entry).dateTitle;
  return key.slice(key.indexOf('|') + 1);
}

/** The URL paths a post answers to: its aliases and its own permalink. */
export function urlPathsOf(entry: Pick<ArchiveEntry, 'post' | 'day' | 'title' | 'keys'>): PathKey[] {
  return indexKeys(entry).urlPaths;
}

/**
 * A post's index keys, made once per entry (Hugo's urlize and the path key cost more than the
 * rest of indexing a post): kept on the entry, and in the load cache with the file.
 */
export function indexKeys(entry: Pick<ArchiveEntry, 'post' | 'day' | 'title' | 'keys'>): IndexKeys {
  if (entry.keys) return entry.keys;
  const aliases = Array.isArray(entry.post.frontMatter.aliases) ? entry.post.frontMatter.aliases : [];
  const paths = aliases.filter((a): a is string => typeof a === 'string').map(pathKey);
  paths.push(pathKey(permalinkPath(entry.day, entry.title)));
  return (entry.keys = { urlPaths: [...new Set(paths)], dateTitle: dateTitleKey(entry.day, entry.title) });
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
  return { ok: true, entry: { path, post: parsed.post, title, day: dayOf(date)! } };
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
  const { urlPaths, dateTitle } = indexKeys(entry);
  for (const key of urlPaths) push(index.byUrlPath, key, entry);
  push(index.byDateTitle, dateTitle, entry);
}

export function removeFromIndex(index: ArchiveIndex, entry: ArchiveEntry): void {
  index.entries.splice(index.entries.indexOf(entry), 1);
  index.byPath.delete(entry.path);
  const { urlPaths, dateTitle } = indexKeys(entry);
  for (const key of urlPaths) pull(index.byUrlPath, key, entry);
  pull(index.byDateTitle, dateTitle, entry);
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
  for (const file of await listPosts(root, malformed)) {
    const result = loadOne(file, cache);
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
// promise-based calls cost several times more per small file. A file the cache
// knows costs one lstat, and is not opened.
function loadOne({ file, path }: Listed, cache: LoadCache): { entry: ArchiveEntry; cached?: CachedFile } | Malformed {
  let stat: Stats;
  try {
    stat = lstatSync(file);
  } catch (error) {
    return { path, reason: `cannot read: ${(error as Error).message}` };
  }
  // A symbolic link could point anywhere outside the archive: never followed.
  if (stat.isSymbolicLink()) return { path, reason: 'symbolic link (not followed)' };
  if (stat.size > MAX_POST_BYTES) return { path, reason: tooLarge(stat.size) };
  const hit = cachedIfSame(cache, path, stat);
  if (!hit) return readOne(file, path);
  const entry: ArchiveEntry = { path, post: lazyBody(file, hit.frontMatter, hit.bodyOffset), title: hit.title, day: hit.day, size: hit.bodyLength, ...(hit.keys && { keys: hit.keys }) };
  return { entry, cached: hit.keys ? hit : { ...hit, keys: indexKeys(entry) } };
}

function readOne(file: string, path: string): { entry: ArchiveEntry; cached?: CachedFile } | Malformed {
  let fd: number;
  try {
    // O_NOFOLLOW: the file may have become a symbolic link since it was listed.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { path, reason: code === 'ELOOP' ? 'symbolic link (not followed)' : `cannot read: ${(error as Error).message}` };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.size > MAX_POST_BYTES) return { path, reason: tooLarge(stat.size) };
    const bytes = readFileSync(fd);
    const checked = checkPostText(path, bytes);
    if (!checked.ok) return { path, reason: checked.reason };
    const { post, title, day } = checked.entry;
    const bodyOffset = bytes.length - Buffer.byteLength(post.body);
    const entry: ArchiveEntry = { path, title, day, size: post.body.length, post: lazyBody(file, post.frontMatter, bodyOffset) };
    const cached = isJsonSafe(post.frontMatter)
      ? { mtimeMs: stat.mtimeMs, size: stat.size, ino: stat.ino, frontMatter: post.frontMatter, title, day, bodyOffset, bodyLength: post.body.length, keys: indexKeys(entry) }
      : undefined;
    return { entry, cached };
  } finally {
    closeSync(fd);
  }
}

const tooLarge = (size: number): string => `file too large (${size} bytes, limit ${MAX_POST_BYTES})`;

/**
 * Why a post file of this text would be refused by the loader, or undefined. Checked before a post is
 * written, with the loader's own limit, so the archive never holds a file the next run cannot read.
 */
export function unloadable(text: string): string | undefined {
  const size = Buffer.byteLength(text);
  return size > MAX_POST_BYTES ? tooLarge(size) : undefined;
}

/**
 * Keeps a post's front matter in memory and its body on disk: the body is read again only when
 * a page is compared with this post, so a 10,000-post archive costs megabytes, not hundreds.
 */
function lazyBody(file: string, frontMatter: Post['frontMatter'], offset: number): Post {
  return {
    frontMatter,
    get body() {
      return readFileSync(file).subarray(offset).toString('utf8');
    },
  };
}

/** A listed file: where it is, and its archive path (posix, relative to the archive root). */
interface Listed {
  file: string;
  path: string;
}

// Paths are built by concatenation as the folders are walked: `path.join`/`relative` per file cost more than the rest of a cached load.
/** The post files; `posts` itself as a symbolic link is reported, not followed, like any link inside it. */
async function listPosts(root: string, malformed: Malformed[]): Promise<Listed[]> {
  const info = lstatSync(join(root, 'posts'), { throwIfNoEntry: false });
  if (info?.isSymbolicLink()) {
    malformed.push({ path: 'posts', reason: 'symbolic link (not followed)' });
    return [];
  }
  return listMarkdown(join(root, 'posts'), 'posts', malformed);
}

async function listMarkdown(dir: string, relDir: string, malformed: Malformed[]): Promise<Listed[]> {
  let names;
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: Listed[] = [];
  for (const dirent of names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const listed = { file: `${dir}${sep}${dirent.name}`, path: `${relDir}/${dirent.name}` };
    if (dirent.isDirectory()) files.push(...(await listMarkdown(listed.file, listed.path, malformed)));
    else if (dirent.isSymbolicLink() && dirent.name.endsWith('.md')) files.push(listed);
    else if (dirent.isSymbolicLink()) malformed.push({ path: listed.path, reason: 'symbolic link (not followed)' });
    else if (dirent.isFile() && dirent.name.endsWith('.md')) files.push(listed);
  }
  return files;
}
