import { lstatSync } from 'node:fs';
import { lstat, mkdir, rename } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { WriteError } from '../errors.js';
import { writeFileAtomic, type AtomicWriteOptions } from './atomic.js';

/**
 * The absolute file for an archive-relative path, or an error when the path
 * would land outside the archive (slugs are sanitized; this is the last guard).
 */
export function resolveInArchive(archiveDir: string, relPath: string): string {
  const root = resolve(archiveDir);
  const full = resolve(root, relPath);
  if (!full.startsWith(root + sep) || relPath.includes('\0'))
    throw new WriteError(relPath, new Error('path is outside the archive'));
  return full;
}

/**
 * Writes one post atomically; any failure is a {@link WriteError} naming the file.
 * `checkedDirs` remembers folders already found free of symbolic links (and existing) during this
 * run; with `deferDirSync`, folders are fsynced by the caller, once per batch (see writeFileAtomic).
 */
export async function writePost(
  archiveDir: string,
  relPath: string,
  text: string,
  checkedDirs = new Set<string>(),
  deferDirSync?: Set<string>,
): Promise<void> {
  await writeArchiveFile(archiveDir, relPath, text, checkedDirs, deferDirSync);
}

/** Writes any archive file (a post, an attachment's bytes) with the same guards as {@link writePost}. */
export async function writeArchiveFile(
  archiveDir: string,
  relPath: string,
  data: string | Uint8Array,
  checkedDirs = new Set<string>(),
  deferDirSync?: Set<string>,
): Promise<void> {
  const full = resolveInArchive(archiveDir, relPath);
  await refuseSymlinks(resolve(archiveDir), full, checkedDirs);
  const dir = dirname(full);
  const options: AtomicWriteOptions = { makeDir: !checkedDirs.has(dir), ...(deferDirSync && { deferDirSync }) };
  try {
    await writeFileAtomic(full, data, options);
  } catch (error) {
    throw new WriteError(full, error);
  }
  // Made by this write if it was missing: a folder of ours, no link.
  checkedDirs.add(dir);
}

/** A symbolic link anywhere between the archive root and the file could lead the write outside. */
async function refuseSymlinks(root: string, full: string, checkedDirs: Set<string>): Promise<void> {
  for (let at = full; at.length > root.length && !checkedDirs.has(at); at = dirname(at)) {
    const info = await lstat(at).catch(() => undefined);
    if (info?.isSymbolicLink()) throw new WriteError(full, new Error(`${at} is a symbolic link: not followed`));
    if (info?.isDirectory()) checkedDirs.add(at);
  }
}

/**
 * Renames an archive file (a post the site retitled or re-dated) with the guards of {@link writePost};
 * both folders are fsynced with the batch. A failure is a {@link WriteError} naming the file.
 */
export async function moveArchiveFile(
  archiveDir: string,
  from: string,
  to: string,
  checkedDirs = new Set<string>(),
  deferDirSync = new Set<string>(),
): Promise<void> {
  const [source, target] = [resolveInArchive(archiveDir, from), resolveInArchive(archiveDir, to)];
  const root = resolve(archiveDir);
  await refuseSymlinks(root, source, checkedDirs);
  await refuseSymlinks(root, target, checkedDirs);
  try {
    await mkdir(dirname(target), { recursive: true });
    await rename(source, target);
  } catch (error) {
    throw new WriteError(source, error);
  }
  checkedDirs.add(dirname(target));
  deferDirSync.add(dirname(source));
  deferDirSync.add(dirname(target));
}

/**
 * Throws a {@link WriteError} when `dir` is a symbolic link (or not a folder): every write under it
 * would land where it points. A folder not there yet is fine: it will be made, as a folder.
 */
export function refuseLinkedFolder(dir: string): void {
  let info;
  try {
    info = lstatSync(dir);
  } catch {
    return;
  }
  if (info.isSymbolicLink()) throw new WriteError(dir, new Error('a symbolic link: not followed'));
  if (!info.isDirectory()) throw new WriteError(dir, new Error('not a folder'));
}
