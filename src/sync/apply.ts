import { stat } from 'node:fs/promises';
import { unloadable, type ArchiveEntry } from '../archive/load.js';
import { serializePost, type Post } from '../archive/post.js';
import { dayOf, fitsName, postPath } from '../archive/slug.js';
import {
  addToDedupeIndex,
  findSame,
  mergePost,
  nextFreePath,
  removeFromDedupeIndex,
  type DedupeIndex,
  type Incoming,
} from '../dedupe/index.js';
import { describeChange } from '../report/changes.js';
import type { PostChange } from '../report/report.js';
import { moveArchiveFile, resolveInArchive, writePost } from '../write/write-post.js';

/** What applying one converted page to the archive did. */
export type Applied =
  /** `from`: the file's path before this update, when the site's new title or date renames it. */
  | { kind: 'added' | 'updated'; path: string; change: PostChange; reason?: string; text: string; from?: string }
  | { kind: 'unchanged'; path: string; reason: string }
  | { kind: 'refused'; path: string; error: string }
  /** The page would shrink the archived post: the file keeps its bytes (see Hold). */
  | { kind: 'held'; path: string; hold: Hold };

/** Why a page is not applied: a failure (`refused`), or, with `shrank`, a shrink the user must accept. */
export interface Hold {
  reason: string;
  shrank?: string[];
}

/** The archive post a page is, if any, and why: what the health verdict is judged against. */
export type Match = ReturnType<typeof findSame>;

export interface ApplyContext {
  archive: string;
  dedupe: DedupeIndex;
}

/**
 * Dedupe for one page, once `match = findSame(…)` found the archive post it is (if any) and the
 * health verdict said whether to hold it back: merges or creates, and records the result in the
 * index. The file itself is written by the caller ({@link writeInOrder}), outside the
 * one-at-a-time section. Callers serialize calls so two pages of one crawl never decide on the
 * same file at once.
 */
export async function applyPost(
  ctx: ApplyContext,
  incoming: Incoming,
  match: Match,
  held: Hold | undefined,
): Promise<Applied> {
  if (held?.shrank && match) return { kind: 'held', path: match.entry.path, hold: held };
  if (held) return { kind: 'refused', path: match?.entry.path ?? '', error: held.reason };
  if (match) {
    const merged = mergePost(match.entry.post, incoming);
    if (merged.kind === 'unchanged') return { kind: 'unchanged', path: match.entry.path, reason: match.reason };
    const refusal = await refuseReadOnly(ctx.archive, match.entry.path);
    if (refusal) return { kind: 'refused', path: match.entry.path, error: refusal };
    const renamed = merged.retitled ? newName(ctx, match.entry, merged.post) : undefined;
    if (renamed?.error !== undefined) return { kind: 'refused', path: renamed.path, error: renamed.error };
    return plan(ctx, renamed?.path ?? match.entry.path, match.entry, merged.post, incoming, match.reason);
  }
  const day = incoming.day ?? dayOf(String(incoming.post.frontMatter.date ?? ''));
  if (!day) return { kind: 'refused', path: '', error: 'page has no date: cannot name its file' };
  const named = freeName(ctx, postPath(day, incoming.title));
  if (named.error !== undefined) return { kind: 'refused', path: named.path, error: named.error };
  return plan(ctx, named.path, undefined, incoming.post, incoming);
}

/**
 * Where a post goes once the site changed its title or date so that its file name no longer fits
 * (as `verify` judges names); undefined when the name still fits.
 */
function newName(ctx: ApplyContext, entry: ArchiveEntry, after: Post): FreeName | undefined {
  const day = dayOf(String(after.frontMatter.date ?? ''));
  const title = String(after.frontMatter.title ?? '');
  if (!day || !title || fitsName(entry.path, day, title)) return undefined;
  return freeName(ctx, postPath(day, title));
}

/** A file name for a post, or why the name it should have cannot be taken. */
type FreeName = { path: string; error?: undefined } | { path: string; error: string };

/** The first free name from `base` on (`-2`, `-3`, …), unless a file the loader could not read is in the way. */
function freeName(ctx: ApplyContext, base: string): FreeName {
  const path = nextFreePath(base, (p) => ctx.dedupe.archive.byPath.has(p));
  // A file (or folder) the loader could not read is never written over or through.
  const blocked = ctx.dedupe.archive.malformed.find((m) => path === m.path || path.startsWith(`${m.path}/`));
  if (blocked) return { path, error: `${blocked.path} cannot be read (${blocked.reason}): left untouched` };
  return { path };
}

function plan(
  ctx: ApplyContext,
  path: string,
  archived: ArchiveEntry | undefined,
  after: Post,
  incoming: Incoming,
  reason?: string,
): Applied {
  // Archive bodies are read from disk on demand: take the old one before the file is replaced.
  const before = archived && { frontMatter: archived.post.frontMatter, body: archived.post.body };
  const from = archived && archived.path !== path ? archived.path : undefined;
  const text = serializePost(after);
  // Never write a file the next run's loader (and verify) would refuse to read.
  const unreadable = unloadable(text);
  if (unreadable !== undefined) return { kind: 'refused', path, error: `not written: ${unreadable}` };
  const entry: ArchiveEntry = {
    path,
    post: after,
    title: String(after.frontMatter.title ?? incoming.title),
    day: dayOf(String(after.frontMatter.date ?? '')) ?? incoming.day ?? '',
  };
  if (from !== undefined) removeFromDedupeIndex(ctx.dedupe, archived!);
  // The crawl's later pages must see this post at once, before its file is written.
  // A new file's body is the page's: its comparison data is already known.
  addToDedupeIndex(ctx.dedupe, entry, after.body === incoming.post.body ? incoming.compare : undefined);
  const change = describeChange(path, before, after, incoming.canonicalUrl, from);
  return { kind: before ? 'updated' : 'added', path, change, reason, text, ...(from !== undefined && { from }) };
}

/** An archive file with no write permission for anyone is the user's way of saying "leave it". */
async function refuseReadOnly(archive: string, path: string): Promise<string | undefined> {
  const info = await stat(resolveInArchive(archive, path)).catch(() => undefined);
  if (info && (info.mode & 0o222) === 0) return `${path} is read-only: left untouched`;
  return undefined;
}

/** Pending writes by archive path, the folders already checked for symbolic links, and the folders to fsync before the state is saved. */
export interface WriteQueue {
  pending: Map<string, Promise<void>>;
  checkedDirs: Set<string>;
  unsyncedDirs: Set<string>;
}

/**
 * Writes planned files: different files in parallel, one file's writes in the order planned
 * (so a later merge of the same post never lands before an earlier one).
 */
export function writeInOrder(
  queue: WriteQueue,
  archive: string,
  path: string,
  text: string,
  from?: string,
): Promise<void> {
  if (from !== undefined) {
    // Renamed first, then written: a run killed between the two leaves one file (old text, new
    // name), which the next run matches and rewrites; never two files of one post.
    const move = (queue.pending.get(from) ?? Promise.resolve()).then(() =>
      moveArchiveFile(archive, from, path, queue.checkedDirs, queue.unsyncedDirs),
    );
    queue.pending.set(
      from,
      move.catch(() => undefined),
    );
    queue.pending.set(
      path,
      move.catch(() => undefined),
    );
  }
  const write = (queue.pending.get(path) ?? Promise.resolve()).then(() =>
    writePost(archive, path, text, queue.checkedDirs, queue.unsyncedDirs),
  );
  queue.pending.set(
    path,
    write.catch(() => undefined),
  );
  return write;
}
