// Helpers of the fault and hostile-input drill (test/drill.test.ts).
import { spawnSync } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { parsePost } from '../../src/archive/post.js';
import { runCommand, type CliResult } from './cli.js';

/** Every entry under `dir` (symbolic links not followed): relative path → bytes, or `-> target` for a link. */
export async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true }).catch(() => [])) {
      const full = join(at, entry.name);
      if (entry.isSymbolicLink()) out.set(relative(dir, full), `-> ${await readlink(full)}`);
      else if (entry.isDirectory()) await walk(full);
      else out.set(relative(dir, full), (await readFile(full)).toString('latin1'));
    }
  };
  await walk(dir);
  return out;
}

/** Every Markdown file of the archive (but those planted broken) parses, and no temp file is left. */
export async function expectWhole(archive: string, planted: string[] = []): Promise<void> {
  const files = [...(await tree(archive)).entries()];
  expect(files.filter(([path]) => path.endsWith('.tmp'))).toEqual([]);
  for (const [path, bytes] of files.filter(
    ([p]) => p.endsWith('.md') && !planted.some((h) => p === h || p.startsWith(`${h}/`)),
  )) {
    expect({ path, ok: parsePost(Buffer.from(bytes, 'latin1').toString('utf8')).ok }).toEqual({ path, ok: true });
  }
}

// Characters of windows-1252 above 0x7F that are not Latin-1: the ones a real page uses.
const CP1252: Record<string, number> = {
  '€': 0x80,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '–': 0x96,
  '—': 0x97,
};

/** Encodes HTML as windows-1252; anything it cannot hold becomes a character reference. */
export function encodeCp1252(html: string): Buffer {
  const bytes: number[] = [];
  for (const char of html) {
    const code = char.codePointAt(0)!;
    if (CP1252[char] !== undefined) bytes.push(CP1252[char]);
    else if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) bytes.push(code);
    else bytes.push(...Buffer.from(`&#${code};`, 'latin1'));
  }
  return Buffer.from(bytes);
}

/** Runs a command without blocking the event loop (the fixture site answers from this process). */
export function run(argv: string[]): Promise<CliResult> {
  const [command, ...rest] = argv;
  return runCommand(command!, rest);
}

export const IS_ROOT = process.getuid?.() === 0;
/** A tiny tmpfs needs a private mount namespace: root in a sandbox that allows `unshare -m`. */
export const CAN_MOUNT =
  IS_ROOT &&
  spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=4k tmpfs /mnt'], { stdio: 'ignore' }).status === 0;
