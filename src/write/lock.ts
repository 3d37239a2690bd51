import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { LockHeldError } from '../errors.js';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

/** A held lock; release it exactly once. */
export interface Lock {
  path: string;
  release(): Promise<void>;
}

export function lockPath(archiveDir: string): string {
  return join(archiveDir, '.cabsync', 'lock');
}

/**
 * Takes the archive's lock or throws {@link LockHeldError}. A lock left by a
 * process that no longer runs on this host is stale and taken over.
 */
export async function acquireLock(archiveDir: string): Promise<Lock> {
  const path = lockPath(archiveDir);
  await mkdir(join(archiveDir, '.cabsync'), { recursive: true });
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createWithContent(path, `${JSON.stringify(info)}\n`)) {
      return { path, release: () => unlink(path).catch(() => undefined) };
    }
    const holder = await readLock(path);
    if (holder && isAlive(holder)) {
      throw new LockHeldError(
        `another sync (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}) holds the lock ${path}`,
      );
    }
    // Stale: its process is gone (or the file is garbage from a crash). Move it aside first, then
    // check that what was moved is the stale lock: another process may have taken over meanwhile.
    const grave = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
    if (!(await rename(path, grave).then(() => true, () => false))) continue;
    const moved = await readLock(grave);
    if (moved && isAlive(moved)) {
      // A live lock was moved by mistake: put it back (unless yet another process holds the path now).
      await link(grave, path).catch(() => undefined);
      await unlink(grave).catch(() => undefined);
      throw new LockHeldError(`another sync (pid ${moved.pid} on ${moved.host}) holds the lock ${path}`);
    }
    await unlink(grave).catch(() => undefined);
  }
  throw new LockHeldError(`could not take the lock ${path}: another process keeps taking it`);
}

/**
 * Creates `path` with its content in one step (write a temp file, then hard-link it into place), so
 * no reader ever sees an empty lock. False when `path` exists.
 */
async function createWithContent(path: string, content: string): Promise<boolean> {
  // Named like writeFileAtomic's temp files, so a run killed right here leaves nothing the next run keeps.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') return parsed as LockInfo;
  } catch {
    // Empty or half-written lock file: treat as stale.
  }
  return undefined;
}

function isAlive(holder: LockInfo): boolean {
  // A lock from another host cannot be checked: respect it.
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
