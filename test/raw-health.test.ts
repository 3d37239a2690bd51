import { describe, expect, it } from 'vitest';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WARCParser } from 'warcio';
import { sync } from '../src/sync/sync.js';
import { reprocess } from '../src/sync/reprocess.js';
import { resolveSyncOptions } from '../src/sync/options.js';
import { renderPostPage } from '../fixtures/site/render.js';
import { postPath as sitePostPath } from '../fixtures/site/util.js';
import type { FixtureSite } from '../fixtures/site/server.js';
import { snapshot, tempDir } from './helpers/tmp.js';
import { fixtureSite, syncOptions } from './helpers/site.js';
import { runCli } from './helpers/cli.js';

async function countBlobs(rawDir: string): Promise<number> {
  return [...(await snapshot(rawDir)).keys()].filter((p) => p.endsWith('.html.gz')).length;
}

describe('raw snapshots', () => {
  it('reprocess reports a damaged blob for its page and goes on with the others', async () => {
    const archive = await tempDir();
    const site = await fixtureSite();
    await sync(syncOptions(site.url, archive, { keepRaw: true }));
    await site.close();
    const rawDir = join(archive, '.cabsync', 'raw');
    const blob = [...(await snapshot(rawDir)).keys()].find((p) => p.endsWith('.html.gz'))!;
    await writeFile(join(rawDir, blob), 'not gzip');
    const report = await reprocess(resolveSyncOptions({ archive }));
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.error).toContain(blob.split('/').pop()!.slice(0, 8));
    expect(report.unchanged).toBe(site.posts.length - 1);
  });

  it('stores each post page once, adds nothing for unchanged pages, and exports a WARC a standard reader opens', async () => {
    const archive = await tempDir();
    const site = await fixtureSite();
    const first = await sync(syncOptions(site.url, archive, { keepRaw: true }));
    expect(first.failed).toEqual([]);
    const rawDir = join(archive, '.cabsync', 'raw');
    const blobs = await countBlobs(rawDir);
    expect(blobs).toBe(site.posts.length);
    const manifest = JSON.parse(await readFile(join(rawDir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.pages)).toHaveLength(site.posts.length);

    const second = await sync(syncOptions(site.url, archive, { keepRaw: true }));
    expect(second.added.length + second.updated.length).toBe(0);
    expect(await countBlobs(rawDir)).toBe(blobs);

    const warc = join(await tempDir(), 'archive.warc.gz');
    const exported = await runCli(['export-warc', warc, '--archive', archive]);
    expect(exported.code).toBe(0);
    const uris: string[] = [];
    for await (const record of new WARCParser(createReadStream(warc))) {
      if (record.warcType === 'response') {
        uris.push(record.warcTargetURI ?? '');
        expect(await record.contentText()).toContain('<div id="content"');
      }
    }
    expect(uris).toHaveLength(site.posts.length);
  });

  it('reprocess updates exactly the files an older converter got wrong, offline, and --dry-run shows it first', async () => {
    const archive = await tempDir();
    const site = await fixtureSite();
    await sync(syncOptions(site.url, archive, { keepRaw: true }));
    await site.close();
    const before = await snapshot(join(archive, 'posts'));
    // What an older converter wrote: links without their URLs, in two files.
    const damaged = [...before.entries()].filter(([, text]) => /\]\(https?:\/\/[^)]+\)/.test(text)).slice(0, 2);
    expect(damaged).toHaveLength(2);
    for (const [path, text] of damaged)
      await writeFile(join(archive, 'posts', path), text.replace(/\]\(https?:\/\/[^)]+\)/g, ']()'));
    const damagedSnapshot = await snapshot(join(archive, 'posts'));

    const preview = await runCli(['reprocess', '--archive', archive, '--dry-run']);
    expect(preview.code).toBe(0);
    for (const [path] of damaged) expect(preview.stdout).toContain(`updated posts/${path}`);
    expect(await snapshot(join(archive, 'posts'))).toEqual(damagedSnapshot);

    const report = await reprocess(resolveSyncOptions({ archive }));
    expect(report.failed).toEqual([]);
    expect(report.updated.sort()).toEqual(damaged.map(([path]) => `posts/${path}`).sort());
    expect(report.added).toEqual([]);
    expect(await snapshot(join(archive, 'posts'))).toEqual(before);
  });
});

/** Serves every post page through a template change. */
function breakTemplate(site: FixtureSite, change: (html: string) => string): void {
  for (const post of site.posts) {
    const html = renderPostPage(post, site.url, site.posts.filter((p) => p !== post).slice(0, 5));
    site.setRawPage(sitePostPath(post), { body: change(html) });
  }
}

const TEMPLATE_CHANGES: { name: string; change: (html: string) => string; expect: RegExp }[] = [
  {
    name: 'side column renamed',
    change: (html) =>
      html
        .replace('<div class="col">', '<div class="sidebar">')
        .replace(/latest-releases|related-posts|mb-3 tags/g, 'box'),
    expect: /chrome rule (latest-releases|related-posts|tags-box|side-column)/,
  },
  { name: '#content gone', change: (html) => html.replace(' id="content"', ''), expect: /title came from/ },
  {
    name: 'article:published_time dropped',
    change: (html) => html.replace(/<meta property="article:published_time"[^>]*>/, ''),
    expect: /date came from/,
  },
];

describe('layout health', () => {
  it('is quiet for the healthy layout', async () => {
    const site = await fixtureSite();
    const report = await sync(syncOptions(site.url, await tempDir()));
    expect(report.health).toEqual({ warnings: [], pages: [] });
  });

  it.each(TEMPLATE_CHANGES)(
    'warns when the template changes ($name), and --strict-health keeps the archive intact',
    async ({ change, expect: message }) => {
      const archive = await tempDir();
      const site = await fixtureSite();
      await sync(syncOptions(site.url, archive));
      const healthy = await snapshot(join(archive, 'posts'));
      breakTemplate(site, change);

      const warned = await sync(syncOptions(site.url, archive, { full: true, dryRun: true }));
      const lines = [
        ...warned.health.warnings.map((w) => w.message),
        ...warned.health.pages.flatMap((p) => p.issues.map((i) => i.message)),
      ];
      expect(lines.some((line) => message.test(line))).toBe(true);

      const strict = await runCli([
        'sync',
        '--site',
        site.url,
        '--archive',
        archive,
        '--rate',
        '0',
        '--full',
        '--strict-health',
        '--json',
      ]);
      expect(strict.code).toBe(1);
      const report = JSON.parse(strict.stdout);
      expect(report.health.warnings.length + report.health.pages.length).toBeGreaterThan(0);
      expect(await snapshot(join(archive, 'posts'))).toEqual(healthy);
    },
  );
});
