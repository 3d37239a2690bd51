// `npm run demo`: the whole job offline. Starts the fixture site on 127.0.0.1, syncs it into a scratch
// archive twice (the second run is a no-op), and shows one converted post and the diff of the first run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixtureSite } from '../fixtures/site/server.js';

const cli = new URL('../dist/src/cli.js', import.meta.url).pathname;
const archive = mkdtempSync(join(tmpdir(), 'cabsync-demo-'));
const site = await startFixtureSite({ idleTimeoutMs: 120_000 });

function cabsync(...args: string[]): string {
  console.log(`\n$ cabsync ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.stdout;
}

try {
  console.log(`fixture site: ${site.url} (${site.posts.length} posts)\nscratch archive: ${archive}`);
  cabsync('sync', '--site', site.url, '--archive', archive, '--rate', '0');
  cabsync('verify', '--archive', archive);
  const requestsBefore = site.log.length;
  cabsync('sync', '--site', site.url, '--archive', archive, '--rate', '0');
  console.log(`(second sync: ${site.log.length - requestsBefore} requests, ${site.log.slice(requestsBefore).filter((r) => r.status === 304).length} answered 304 Not Modified)`);
  const first = site.posts[0]!;
  const day = first.date.slice(0, 10);
  const files = spawnSync('find', [join(archive, 'posts', day.slice(0, 4)), '-name', `${day}-*.md`], { encoding: 'utf8' }).stdout.trim().split('\n');
  if (files[0]) console.log(`\n--- ${files[0]} ---\n${readFileSync(files[0], 'utf8').slice(0, 1500)}…`);
} finally {
  await site.close();
}
