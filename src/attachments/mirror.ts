import { lstat } from 'node:fs/promises';
import type { Fetcher } from '../fetch/fetcher.js';
import { hashOf } from '../raw/blob.js';
import { resolveInArchive, writeArchiveFile } from '../write/write-post.js';
import { judgeContentType, type FileType } from './file-types.js';
import type { AttachmentRecord } from './manifest.js';

/** What mirroring needs from the run: the archive, the run's fetcher (one pace for pages and files), the cap. */
export interface MirrorContext {
  archive: string;
  fetcher: Fetcher;
  maxBytes: number;
  /** Folders already found free of symbolic links this run (see writeArchiveFile). */
  checkedDirs: Set<string>;
  now: () => Date;
}

/** What became of one file. A write error throws a WriteError, which the caller makes that file's failure. */
export type MirrorOutcome =
  | { kind: 'added' | 'changed' | 'unchanged'; record: AttachmentRecord }
  | { kind: 'gone'; status: number }
  | { kind: 'too-large'; limit: number; size?: number }
  | { kind: 'not-a-file'; reason: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'failed'; error: string };

/** Statuses that mean the file is gone, not that the server is having a bad day. */
const GONE = new Set([404, 410]);

/**
 * Brings one file's copy in step with the site. A copy held (the manifest's record, and a file of
 * its size on disk) is asked "changed since?" with its validators; a 304 costs nothing more. New or
 * changed bytes are written atomically at `path`; a body over the cap never reaches the disk.
 */
export async function mirrorFile(
  ctx: MirrorContext,
  url: string,
  path: string,
  type: FileType,
  held: AttachmentRecord | undefined,
): Promise<MirrorOutcome> {
  const haveCopy = held !== undefined && (await sizeOnDisk(ctx.archive, path)) === held.size;
  const validators = haveCopy ? { etag: held.etag, lastModified: held.lastModified } : undefined;
  const result = await ctx.fetcher.getFile(url, validators, { maxBytes: ctx.maxBytes });
  if (!result.ok) {
    if (result.refused) return { kind: 'refused', reason: result.error };
    if (result.tooLarge) return { kind: 'too-large', ...result.tooLarge };
    if (result.status !== undefined && GONE.has(result.status)) return { kind: 'gone', status: result.status };
    return { kind: 'failed', error: result.error };
  }
  const facts = { etag: result.etag, lastModified: result.lastModified };
  if (result.notModified)
    return held
      ? { kind: 'unchanged', record: confirmed({ ...held, ...definedOnly(facts) }) }
      : { kind: 'failed', error: 'HTTP 304 to a request that sent no validators' };
  const body = result.body ?? Buffer.alloc(0);
  const wrongType = judgeContentType(type, result.contentType);
  if (wrongType) return { kind: 'not-a-file', reason: wrongType };
  const sha256 = hashOf(body);
  const record: AttachmentRecord = {
    path,
    sha256,
    size: body.length,
    ...definedOnly({ contentType: result.contentType, ...facts }),
    fetchedAt: ctx.now().toISOString(),
    linkedFrom: held?.linkedFrom ?? [],
  };
  if (haveCopy && held.sha256 === sha256)
    return { kind: 'unchanged', record: confirmed({ ...record, fetchedAt: held.fetchedAt }) };
  await writeArchiveFile(ctx.archive, path, body, ctx.checkedDirs);
  // The same bytes written again where the copy had gone missing are no change of the file.
  return { kind: held === undefined ? 'added' : held.sha256 === sha256 ? 'unchanged' : 'changed', record };
}

/** A record the site has just confirmed: it is no longer missing upstream. */
function confirmed(record: AttachmentRecord): AttachmentRecord {
  const { missingUpstream: _, ...rest } = record;
  return rest;
}

/** The size of the file at an archive path, or undefined when it is not a plain file there. */
export async function sizeOnDisk(archive: string, path: string): Promise<number | undefined> {
  const info = await lstat(resolveInArchive(archive, path)).catch((error: NodeJS.ErrnoException) => {
    // Only "not there" means not there: a file that cannot be read is not forgotten or fetched again.
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  return info?.isFile() ? info.size : undefined;
}

function definedOnly<T extends Record<string, string | undefined>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
