// Safe by default: a fetched page that would shrink or empty an archived post is held back.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fetchUrls, sync } from '../src/sync/sync.js';
import { reprocess } from '../src/sync/reprocess.js';
import { reportExitCode } from '../src/report/report.js';
import { formatSummary } from '../src/report/summary.js';
import { fixtureSite, syncOptions } from './helpers/site.js';
import { tempDir } from './helpers/tmp.js';
import { runCli } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('../fixtures/hugo/public/', import.meta.url));
/** A post with a long body: minutes with headings, lists and links. */
const LONDON = '/2018/06/06/2018-06-06-minutes-for-ca/browser-forum-f2f-meeting-44-london/';
const BALLOT = '/2020/09/24/ballot-sc-048v2-domain-name-and-ip-address-encoding/';

async function served(path: string): Promise<string> {
  return readFile(join(ROOT, path, 'index.html'), 'utf8');
}

/** The page as a broken template or CDN would serve it. */
const BREAKAGES: [string, (html: string) => string][] = [
  [
    'cut to its first paragraph',
    (html) =>
      html.replace(
        /(<div class="pt-3">[\s\S]*?<\/p>)[\s\S]*?(<\/div>\s*<\/div>\s*<\/div>\s*<div class="col)/,
        '$1</div>$2',
      ),
  ],
  [
    'emptied',
    (html) =>
      html.replace(
        /<div class="pt-3">[\s\S]*?(<\/div>\s*<\/div>\s*<\/div>\s*<div class="col)/,
        '<div class="pt-3"></div>$1',
      ),
  ],
  [
    'without its #content',
    (html) =>
      html.replace(/<div id="content"[\s\S]*?(<\/div>\s*<\/div>\s*<div class="col)/, '<p>Page not available.</p>$1'),
  ],
];

async function archivedSite(): Promise<{
  site: Awaited<ReturnType<typeof fixtureSite>>;
  archive: string;
  file: (path: string) => Promise<string>;
  pathOf: (url: string) => string;
}> {
  const site = await fixtureSite({ root: ROOT });
  const archive = await tempDir();
  const first = await sync(syncOptions(site.url, archive));
  expect(first.failed).toEqual([]);
  const pathOf = (url: string): string => first.urls[url]?.path ?? '';
  return { site, archive, file: (path) => readFile(join(archive, path), 'utf8'), pathOf };
}

describe('a page that would shrink an archived post', () => {
  it.each(BREAKAGES)(
    'is held back when served %s: the file keeps its bytes, heldBack names it, exit 1',
    async (_name, breakIt) => {
      const { site, archive, file, pathOf } = await archivedSite();
      const url = site.url + LONDON;
      const path = pathOf(url);
      const before = await file(path);
      site.setRawPage(LONDON, { body: breakIt(await served(LONDON)).replaceAll('https://cabforum.org', site.url) });

      const held = await fetchUrls([url], syncOptions(site.url, archive));
      expect(await file(path)).toBe(before);
      expect(held.heldBack).toHaveLength(1);
      expect(held.heldBack[0]).toMatchObject({ url, path });
      expect(held.heldBack[0]!.shrank.join(' ')).toMatch(/body (lost \d+% of its words|is empty)/);
      expect(held.updated).toEqual([]);
      expect(reportExitCode(held)).toBe(1);
      expect(formatSummary(held)).toContain('Held back');

      // A scheduled sync holds it back the same way, every run, until the site is fixed or the shrink is taken.
      const again = await sync(syncOptions(site.url, archive, { full: true }));
      expect(again.heldBack.map((h) => h.path)).toEqual([path]);
      expect(await file(path)).toBe(before);

      const taken = await fetchUrls([url], syncOptions(site.url, archive, { acceptShrink: true }));
      expect(taken.heldBack).toEqual([]);
      expect(taken.updated).toEqual([path]);
      expect((await file(path)).length).toBeLessThan(before.length);
    },
    60_000,
  );

  it('leaves other health issues to --strict-health, and the CLI takes --accept-shrink', async () => {
    const { site, archive, file, pathOf } = await archivedSite();
    const url = site.url + BALLOT;
    const path = pathOf(url);
    const before = await file(path);
    site.setRawPage(BALLOT, {
      body: BREAKAGES[1]![1](await served(BALLOT)).replaceAll('https://cabforum.org', site.url),
    });
    const held = await runCli(['fetch', url, '--archive', archive, '--rate', '0', '--json']);
    expect(held.code).toBe(1);
    expect(JSON.parse(held.stdout).heldBack).toMatchObject([
      { url, path, shrank: ['body is empty where the archive has one'] },
    ]);
    expect(await file(path)).toBe(before);
    const taken = await runCli(['fetch', url, '--archive', archive, '--rate', '0', '--accept-shrink', '--json']);
    expect(taken.code).toBe(0);
    expect(JSON.parse(taken.stdout).updated).toEqual([path]);
  }, 60_000);

  it('holds back a converter regression in reprocess too', async () => {
    const site = await fixtureSite({ root: ROOT });
    const archive = await tempDir();
    await sync(syncOptions(site.url, archive, { keepRaw: true }));
    const url = site.url + LONDON;
    // The raw store keeps the good page; the archive file is then made longer than what it yields,
    // as an older converter that kept more would have left it.
    const first = await sync(syncOptions(site.url, archive, { full: true, keepRaw: true }));
    const path = first.urls[url]!.path!;
    const { writeFile } = await import('node:fs/promises');
    const longer = `${await readFile(join(archive, path), 'utf8')}\n${'An older converter kept this paragraph. '.repeat(200)}\n`;
    await writeFile(join(archive, path), longer);
    const report = await reprocess(syncOptions(site.url, archive));
    expect(report.heldBack.map((h) => h.path)).toEqual([path]);
    expect(await readFile(join(archive, path), 'utf8')).toBe(longer);
    expect(reportExitCode(report)).toBe(1);
  }, 60_000);
});
