import { mkdtemp, rm, cp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach } from 'vitest';

const created: string[] = [];

/** A fresh temp folder, removed after the test. */
export async function tempDir(prefix = 'cabsync-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A temp copy of the repository's seeded archive. */
export async function seededArchive(): Promise<string> {
  const dir = await tempDir('cabsync-archive-');
  await cp(new URL('../../archive/posts', import.meta.url).pathname, join(dir, 'posts'), { recursive: true });
  return dir;
}

afterEach(async () => {
  while (created.length > 0) await rm(created.pop()!, { recursive: true, force: true });
});

/** Every file under `dir`: relative path → text. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true }).catch(() => [])) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.set(relative(dir, full), await readFile(full, 'utf8'));
    }
  };
  await walk(dir);
  return out;
}
