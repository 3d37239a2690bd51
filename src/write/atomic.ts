import { open, readdir, rename, unlink, mkdir } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface AtomicWriteOptions {
  /** False when the folder is known to exist: saves a call per file. Default true. */
  makeDir?: boolean;
  /**
   * Given, the folder is added here instead of being fsynced at once: the caller fsyncs each folder
   * once ({@link syncDirs}) after a batch of files, before it records them as written.
   */
  deferDirSync?: Set<string>;
}

/**
 * Writes a file so that readers only ever see the old or the new bytes:
 * temp file in the same folder, fsync, rename, fsync of the folder.
 * On any failure the temp file is removed and the target is untouched.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  if (options.makeDir !== false) await mkdir(dir, { recursive: true });
  const temp = join(dir, tempName(basename(path)));
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  if (options.deferDirSync) options.deferDirSync.add(dir);
  else await syncDir(dir);
}

/** Makes the renames into `dirs` durable (see deferDirSync), and empties the set. */
export async function syncDirs(dirs: Set<string>): Promise<void> {
  const pending = [...dirs];
  dirs.clear();
  await Promise.all(pending.map(syncDir));
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; some file systems refuse fsync on a folder, which is harmless.
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

/**
 * The temp file's name: the target's first characters, so a stray one says what it was for, short
 * enough that a target name at the file system's limit (255 bytes) still has a temp name.
 */
function tempName(name: string): string {
  return `.${Array.from(name).slice(0, 48).join('')}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** True for names writeFileAtomic leaves behind when a process dies mid-write. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/**
 * Removes temp files a killed run left under `dir` (recursively). Only safe
 * while holding the archive lock: no other writer can own them.
 */
export async function removeTempFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) removed.push(...(await removeTempFiles(full)));
    else if (entry.isFile() && isTempName(entry.name)) {
      await unlink(full);
      removed.push(full);
    }
  }
  return removed;
}
