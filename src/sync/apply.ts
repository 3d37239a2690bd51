import { stat } from 'node:fs/promises';
import type { ArchiveEntry } from '../archive/load.js';
import { serializePost, type Post } from '../archive/post.js';
import { dayOf, postPath } from '../archive/slug.js';
import { addToDedupeIndex, findSame, mergePost, nextFreePath, type DedupeIndex, type Incoming } from '../dedupe/index.js';
import { describeChange } from '../report/changes.js';
import type { PostChange } from '../report/report.js';
import { resolveInArchive, writePost } from '../write/write-post.js';

/** What applying one converted page to the archive did. */
export type Applied =
  | { kind: 'added' | 'updated'; path: string; change: PostChange; reason?: string; text: string }
  | { kind: 'unchanged'; path: string; reason: string }
  | { kind: 'refused'; path: string; error: string }
  /** The page would shrink the archived post: the file keeps its bytes (see Hold). */
  | { kind: 'held'; path: string; hold: Hold };

/** Why a page is not applied: a failure (`refused`), or, with `shrank`, a shrink the user must accept. */
export interface Hold {
  reason: string;
  shrank?: string[];
}

/** Looks at the page against the archived post (if any); a reason to hold the page back, or undefined. */
export type Gate = (archived: Post | undefined) => Hold | undefined;

export interface ApplyContext {
  archive: string;
  dedupe: DedupeIndex;
}

/**
 * Dedupe for one page: finds the archive post it is (if any), merges or creates,
 * and records the result in the index. The file itself is written by the caller
 * ({@link writeInOrder}), outside the one-at-a-time section. Callers serialize calls
 * so two pages of one crawl never decide on the same file at once.
 */
export async function applyPost(ctx: ApplyContext, incoming: Incoming, gate?: Gate): Promise<Applied> {
  const match = findSame(ctx.dedupe, incoming);
  const held = gate?.(match?.entry.post);
  if (held?.shrank && match) return { kind: 'held', path: match.entry.path, hold: held };
  if (held) return { kind: 'refused', path: match?.entry.path ?? '', error: held.reason };
  if (match) {
    const merged = mergePost(match.entry.post, incoming);
    if (merged.kind === 'unchanged') return { kind: 'unchanged', path: match.entry.path, reason: match.reason };
    const refusal = await refuseReadOnly(ctx.archive, match.entry.path);
    if (refusal) return { kind: 'refused', path: match.entry.path, error: refusal };
    return plan(ctx, match.entry.path, match.entry.post, merged.post, incoming, match.reason);
  }
  const day = incoming.day ?? dayOf(String(incoming.post.frontMatter.date ?? ''));
  if (!day) return { kind: 'refused', path: '', error: 'page has no date: cannot name its file' };
  const path = nextFreePath(postPath(day, incoming.title), (p) => ctx.dedupe.archive.byPath.has(p));
  // A file (or folder) the loader could not read is never written over or through.
  const blocked = ctx.dedupe.archive.malformed.find((m) => path === m.path || path.startsWith(`${m.path}/`));
  if (blocked) return { kind: 'refused', path, error: `${blocked.path} cannot be read (${blocked.reason}): left untouched` };
  return plan(ctx, path, undefined, incoming.post, incoming);
}

function plan(ctx: ApplyContext, path: string, archived: Post | undefined, after: Post, incoming: Incoming, reason?: string): Applied {
  // Archive bodies are read from disk on demand: take the old one before the file is replaced.
  const before = archived && { frontMatter: archived.frontMatter, body: archived.body };
  const text = serializePost(after);
  const entry: ArchiveEntry = { path, post: after, title: String(after.frontMatter.title ?? incoming.title), day: dayOf(String(after.frontMatter.date ?? '')) ?? incoming.day ?? '' };
  // The crawl's later pages must see this post at once, before its file is written.
  // A new file's body is the page's: its comparison data is already known.
  addToDedupeIndex(ctx.dedupe, entry, after.body === incoming.post.body ? incoming.compare : undefined);
  const change = describeChange(path, before, after, incoming.canonicalUrl);
  return { kind: before ? 'updated' : 'added', path, change, reason, text };
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
export function writeInOrder(queue: WriteQueue, archive: string, path: string, text: string): Promise<void> {
  const write = (queue.pending.get(path) ?? Promise.resolve()).then(() => writePost(archive, path, text, queue.checkedDirs, queue.unsyncedDirs));
  queue.pending.set(path, write.catch(() => undefined));
  return write;
}
