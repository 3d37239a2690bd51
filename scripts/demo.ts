// `npm run demo`: the whole job offline. Starts the fixture site on 127.0.0.1, syncs it into a scratch
// archive twice (the second run is a no-op), and shows one converted post and the diff of the first run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixtureSite } from '../fixtures/site/server.js';

const cli = new URL('../dist/src/cli.js', import.meta.url).pathname;
const archive = mkdtempSync(join(tmpdir(), 'cabsync-demo-'));
const site = await startFixtureSite({ idleTimeoutMs: 120_000 });

// Asynchronous on purpose: the fixture site answers from this very process.
async function cabsync(...args: string[]): Promise<void> {
  console.log(`\n$ cabsync ${args.join(' ')}`);
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  await new Promise((resolve) => child.on('close', resolve));
}

try {
  console.log(`fixture site: ${site.url} (${site.posts.length} posts)\nscratch archive: ${archive}`);
  await cabsync('sync', '--site', site.url, '--archive', archive, '--rate', '0');
  await cabsync('verify', '--archive', archive);
  const requestsBefore = site.log.length;
  await cabsync('sync', '--site', site.url, '--archive', archive, '--rate', '0');
  console.log(
    `(second sync: ${site.log.length - requestsBefore} requests, ${site.log.slice(requestsBefore).filter((r) => r.status === 304).length} answered 304 Not Modified)`,
  );
  const first = site.posts[0]!;
  const day = first.date.slice(0, 10);
  const name = readdirSync(join(archive, 'posts', day.slice(0, 4))).find((file) => file.startsWith(`${day}-`));
  if (name) {
    const file = join(archive, 'posts', day.slice(0, 4), name);
    console.log(`\n--- ${file} ---\n${readFileSync(file, 'utf8').slice(0, 1500)}…`);
  }
} finally {
  await site.close();
}
