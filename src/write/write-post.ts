import { resolve, sep } from 'node:path';
import { serializePost, type Post } from '../archive/post.js';
import { WriteError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';

/**
 * The absolute file for an archive-relative path, or an error when the path
 * would land outside the archive (slugs are sanitized; this is the last guard).
 */
export function resolveInArchive(archiveDir: string, relPath: string): string {
  const root = resolve(archiveDir);
  const full = resolve(root, relPath);
  if (!full.startsWith(root + sep) || relPath.includes('\0')) throw new WriteError(relPath, new Error('path is outside the archive'));
  return full;
}

/** Writes one post atomically; any failure is a {@link WriteError} naming the file. */
export async function writePost(archiveDir: string, relPath: string, post: Post): Promise<string> {
  const text = serializePost(post);
  const full = resolveInArchive(archiveDir, relPath);
  try {
    await writeFileAtomic(full, text);
  } catch (error) {
    throw new WriteError(full, error);
  }
  return text;
}
