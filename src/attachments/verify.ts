import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ArchiveIndex } from '../archive/load.js';
import type { Problem } from '../archive/verify.js';
import { hashOf } from '../raw/blob.js';
import { isTempName } from '../write/atomic.js';
import { archivePost, linksOfPosts } from './links.js';
import { readAttachmentManifest, type AttachmentManifest, type AttachmentRecord } from './manifest.js';
import { FILES_DIR, MANIFEST_PATH } from './paths.js';

type AttachmentProblem = Extract<Problem, { kind: 'attachment' }>;

/**
 * Checks `files/` against its manifest: every entry's file is there, a plain file, with the
 * manifest's size and SHA-256; every file under `files/` has an entry; every entry is linked by
 * some archive post (links read from the posts in `index`). Reads only; a damaged manifest is one problem.
 */
export async function verifyAttachments(archiveDir: string, index: ArchiveIndex): Promise<AttachmentProblem[]> {
  let manifest: AttachmentManifest;
  try {
    manifest = await readAttachmentManifest(archiveDir, '');
  } catch (error) {
    return [{ kind: 'attachment', path: MANIFEST_PATH, reason: (error as Error).message }];
  }
  const problems: AttachmentProblem[] = [];
  for (const record of Object.values(manifest.files)) {
    const reason = await copyProblem(archiveDir, record);
    if (reason) problems.push({ kind: 'attachment', path: record.path, reason });
  }
  const known = new Set(Object.values(manifest.files).map((record) => record.path));
  for (const path of await listFiles(archiveDir, join(archiveDir, FILES_DIR))) {
    if (path !== MANIFEST_PATH && !known.has(path))
      problems.push({ kind: 'attachment', path, reason: 'no manifest entry: not a file cabsync mirrored' });
  }
  const linked = linkedUrls(index, manifest.site);
  for (const [url, record] of Object.entries(manifest.files)) {
    if (!linked.has(url))
      problems.push({ kind: 'attachment', path: record.path, reason: `linked by no archive post (${url})` });
  }
  return problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** What is wrong with one entry's copy, or undefined when it is the file the manifest describes. */
async function copyProblem(archiveDir: string, record: AttachmentRecord): Promise<string | undefined> {
  const full = join(archiveDir, record.path);
  let info;
  try {
    info = await lstat(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing: the manifest lists it, the folder does not have it';
    return `cannot be read: ${(error as Error).message}`;
  }
  if (info.isSymbolicLink()) return 'a symbolic link (not followed)';
  if (!info.isFile()) return 'not a plain file';
  if (info.size !== record.size) return `changed on disk: ${info.size} bytes, the manifest says ${record.size}`;
  if (hashOf(await readFile(full)) !== record.sha256) return "changed on disk: its SHA-256 is not the manifest's";
  return undefined;
}

/** The file URLs the archive's posts link, on the manifest's site. */
function linkedUrls(index: ArchiveIndex, site: string): Set<string> {
  if (site === '') return new Set();
  const base = new URL(site);
  const posts = index.entries.map((entry) => archivePost(entry, base));
  return new Set(linksOfPosts(posts, base).keys());
}

/** Every file under `dir` as an archive-relative posix path; symbolic links are listed, never followed; temp files skipped. */
async function listFiles(archiveDir: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  // No folder yet is no file; a folder that cannot be read is an error, not an empty list.
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(archiveDir, full)));
    else if (!isTempName(entry.name)) out.push(relative(archiveDir, full).split(sep).join('/'));
  }
  return out;
}
