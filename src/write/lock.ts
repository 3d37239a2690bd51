import { open, readFile, unlink, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
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
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${JSON.stringify(info)}\n`);
      await handle.sync();
      await handle.close();
      return { path, release: () => unlink(path).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(path);
    if (holder && isAlive(holder)) {
      throw new LockHeldError(
        `another sync (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}) holds the lock ${path}`,
      );
    }
    // Stale: its process is gone (or the file is unreadable garbage from a crash while writing it).
    await unlink(path).catch(() => undefined);
  }
  throw new LockHeldError(`could not take the lock ${path}: another process keeps taking it`);
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
