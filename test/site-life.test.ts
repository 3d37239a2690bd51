// The archive follows the site's life on the rendered fixture site: each change the maintainers make
// (retitle, re-date, edit without lastmod, outages, a broken sitemap) and what the next syncs do.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromSource, type PostSource } from '../fixtures/site/content.js';
import type { FixtureSite } from '../fixtures/site/types.js';
import { loadArchive } from '../src/archive/load.js';
import { verifyArchive } from '../src/archive/verify.js';
import { loadState } from '../src/fetch/state.js';
import { formatSummary } from '../src/report/summary.js';
import { reportExitCode, type SyncReport } from '../src/report/report.js';
import { postPath } from '../src/archive/slug.js';
import { sync } from '../src/sync/sync.js';
import { fixtureSite, syncOptions } from './helpers/site.js';
import { snapshot, tempDir } from './helpers/tmp.js';

const LONG = Array.from(
  { length: 12 },
  (_, i) => `Paragraph ${i + 1} of the minutes: the group discussed item ${i + 1} at length and agreed to revisit it.`,
).join('\n\n');

function source(title: string, date: string, markdown: string, extra: Partial<PostSource> = {}): PostSource {
  return { title, date, author: 'Ann Author', tags: ['Ballot'], markdown, aliases: [], ...extra };
}

const BASE: PostSource[] = [
  source('Ballot SC-99: Withdrawn', '2024-03-05T10:00:00+00:00', 'This ballot was withdrawn.\n'),
  source('Minutes of the Long Meeting', '2024-03-07T10:00:00+00:00', LONG, { tags: ['Minutes'] }),
  source('Ballot SC-98: Also Withdrawn', '2024-03-09T10:00:00+00:00', 'This ballot was withdrawn.\n'),
  source('Welcome', '2024-03-11T10:00:00+00:00', 'Hello and welcome to the forum.\n', { tags: [] }),
];

async function siteOf(sources: PostSource[]): Promise<FixtureSite> {
  return fixtureSite({ posts: sources.map(fromSource) });
}

/** A fresh full sync of the site as it stands, into a new archive: what the incremental archive must equal. */
async function fresh(site: FixtureSite): Promise<Map<string, string>> {
  const archive = await tempDir();
  const report = await sync(syncOptions(site.url, archive, { full: true }));
  expect(report.failed).toEqual([]);
  return posts(archive);
}

async function posts(archive: string): Promise<Map<string, string>> {
  return new Map([...(await snapshot(join(archive, 'posts')))].map(([path, text]) => [`posts/${path}`, text]));
}

async function verified(archive: string): Promise<void> {
  expect(verifyArchive(await loadArchive(archive, { cache: false }))).toEqual([]);
}

/** The incremental archive equals the fresh one, but for aliases the site still redirects (kept in addition). */
function withoutAliases(files: Map<string, string>): Map<string, string> {
  return new Map([...files].map(([path, text]) => [path, text.replace(/^aliases:\n(- .*\n)+/m, '')]));
}

describe('a post keeps its identity when the site changes its URL', () => {
  it('a short post retitled (old URL gone): renamed, not duplicated, nothing missing upstream', async () => {
    const archive = await tempDir();
    const site = await siteOf(BASE);
    await sync(syncOptions(site.url, archive));
    const before = await posts(archive);
    const retitled = BASE.map((s, i) => (i === 0 ? { ...s, title: 'Ballot SC-99: Withdrawn by the Proposer' } : s));
    site.setPosts(retitled.map(fromSource));
    const report = await sync(syncOptions(site.url, archive));
    const from = postPath('2024-03-05', 'Ballot SC-99: Withdrawn');
    const to = postPath('2024-03-05', 'Ballot SC-99: Withdrawn by the Proposer');
    expect(report.added).toEqual([]);
    expect(report.renamed).toEqual([{ from, to }]);
    expect(report.missingUpstream).toEqual([]);
    expect(Object.values(report.mergedBy)).toEqual(['gone-upstream']);
    expect(reportExitCode(report)).toBe(0);
    expect(report.changes.map((c) => [c.kind, c.from, c.path])).toEqual([['renamed', from, to]]);
    expect(formatSummary(report)).toContain(`${from} → ${to}`);
    const after = await posts(archive);
    expect(after.has(from)).toBe(false);
    // The other posts keep their bytes.
    for (const [path, text] of before) if (path !== from) expect(after.get(path), path).toBe(text);
    await verified(archive);
    expect(after).toEqual(await fresh(site));
    // The next run is quiet: the old URL was asked once and is remembered as gone.
    const mark = site.log.length;
    const again = await sync(syncOptions(site.url, archive, { revalidate: 0 }));
    expect(again.changes).toEqual([]);
    expect(site.log.slice(mark).map((e) => e.path)).not.toContain('/2024/03/05/ballot-sc-99-withdrawn/');
  });

  it('a long post retitled with its old permalink kept as an alias: renamed, and the alias recorded', async () => {
    const archive = await tempDir();
    const site = await siteOf(BASE);
    await sync(syncOptions(site.url, archive));
    const old = '/2024/03/07/minutes-of-the-long-meeting/';
    const retitled = BASE.map((s, i) =>
      i === 1 ? { ...s, title: 'Minutes of the Very Long Meeting', aliases: [old] } : s,
    );
    site.setPosts(retitled.map(fromSource));
    const report = await sync(syncOptions(site.url, archive));
    const to = postPath('2024-03-07', 'Minutes of the Very Long Meeting');
    expect(report.renamed).toEqual([{ from: postPath('2024-03-07', 'Minutes of the Long Meeting'), to }]);
    expect(report.missingUpstream).toEqual([]);
    const text = await readFile(join(archive, to), 'utf8');
    expect(text).toContain(`aliases:\n- ${old}\n`);
    expect(text).toContain('title: Minutes of the Very Long Meeting');
    await verified(archive);
    expect(withoutAliases(await posts(archive))).toEqual(withoutAliases(await fresh(site)));
  });

  it('a date moved by a day: renamed to the new day, for a short body too', async () => {
    const archive = await tempDir();
    const site = await siteOf(BASE);
    await sync(syncOptions(site.url, archive));
    const moved = BASE.map((s, i) => (i === 2 ? { ...s, date: '2024-03-10T10:00:00+00:00' } : s));
    site.setPosts(moved.map(fromSource));
    const report = await sync(syncOptions(site.url, archive));
    expect(report.renamed).toEqual([
      {
        from: postPath('2024-03-09', 'Ballot SC-98: Also Withdrawn'),
        to: postPath('2024-03-10', 'Ballot SC-98: Also Withdrawn'),
      },
    ]);
    expect(report.added).toEqual([]);
    expect(report.missingUpstream).toEqual([]);
    await verified(archive);
    expect(await posts(archive)).toEqual(await fresh(site));
  });

  it('a post deleted upstream is kept and reported, and its twin body elsewhere is not taken for it', async () => {
    const archive = await tempDir();
    const site = await siteOf(BASE);
    await sync(syncOptions(site.url, archive));
    site.setPosts(BASE.filter((_, i) => i !== 0).map(fromSource));
    const report = await sync(syncOptions(site.url, archive));
    expect(report.missingUpstream).toEqual([postPath('2024-03-05', 'Ballot SC-99: Withdrawn')]);
    expect(report.renamed).toEqual([]);
    expect(report.changes).toEqual([]);
    expect(reportExitCode(report)).toBe(0);
  });
});

describe('freshness the sitemap cannot give', () => {
  it('an edit that leaves lastmod alone is seen within 7 runs (1/7 revalidated a run), and nothing else is written', async () => {
    const archive = await tempDir();
    const sources = Array.from({ length: 14 }, (_, i) =>
      source(
        `Notice ${i + 1}`,
        `2024-04-${String(i + 1).padStart(2, '0')}T10:00:00+00:00`,
        `Notice number ${i + 1} of the forum.\n`,
      ),
    );
    const site = await siteOf(sources);
    await sync(syncOptions(site.url, archive));
    const before = await posts(archive);
    // Every post is checked once in the next 7 runs: edit the one checked last.
    const edited = sources.map((s, i) =>
      i === 6 ? { ...s, markdown: `${s.markdown}\nA note added later.\n`, lastmod: s.date } : s,
    );
    site.setPosts(edited.map(fromSource));
    const reports: SyncReport[] = [];
    for (let run = 0; run < 7 && !reports.some((r) => r.updated.length > 0); run++)
      reports.push(await sync(syncOptions(site.url, archive)));
    expect(reports.at(-1)!.updated).toEqual([postPath('2024-04-07', 'Notice 7')]);
    for (const report of reports) expect(report.revalidation).toMatchObject({ share: 1 / 7, revalidated: 2 });
    const after = await posts(archive);
    for (const [path, text] of before) if (!path.includes('notice-7')) expect(after.get(path), path).toBe(text);
    expect(after).toEqual(await fresh(site));
    expect(formatSummary(reports[0]!)).toMatch(/revalidated 2 posts \(1\/7 a run\); oldest check/);
  });

  it('--revalidate takes 1/N, decimals and percentages, and names the flag on bad input', async () => {
    const { resolveSyncOptions } = await import('../src/sync/options.js');
    expect(resolveSyncOptions({ revalidate: '1/3' }).revalidate).toBeCloseTo(1 / 3);
    expect(resolveSyncOptions({ revalidate: '25%' }).revalidate).toBe(0.25);
    expect(resolveSyncOptions({ revalidate: '0' }).revalidate).toBe(0);
    expect(resolveSyncOptions({}).revalidate).toBeCloseTo(1 / 7);
    expect(() => resolveSyncOptions({ revalidate: '2' })).toThrow(/--revalidate: .*"2"/);
    expect(() => resolveSyncOptions({ revalidate: 'weekly' })).toThrow(/--revalidate/);
  });
});

describe('outages leave no permanent hole', () => {
  it('a post written while the listing is down gets its author when the listing is back; missing upstream is "not checked"', async () => {
    const archive = await tempDir();
    const site = await siteOf(BASE);
    await sync(syncOptions(site.url, archive));
    const added = source('Ballot SC-100: New', '2024-03-20T10:00:00+00:00', 'A new ballot.\n', {
      author: 'Bea Writer',
    });
    site.setPosts([...BASE, added].map(fromSource));
    site.setFaults([{ path: '/posts/', kind: '503' }]);
    const down = await sync(syncOptions(site.url, archive));
    const path = postPath('2024-03-20', 'Ballot SC-100: New');
    expect(down.added).toEqual([path]);
    expect(down.missingUpstream).toBeNull();
    expect(down.missingUpstreamNotChecked).toMatch(/\/posts\//);
    expect(down.coverage).toBeUndefined();
    expect(formatSummary(down)).toMatch(/missing upstream not checked/);
    expect(formatSummary(down)).toMatch(/coverage: not checked/);
    expect(reportExitCode(down)).toBe(1);
    expect(await readFile(join(archive, path), 'utf8')).not.toContain('author:');
    // The feed found before is read during the outage (not a guess at another URL).
    expect((await loadState(archive)).feeds).toEqual([`${site.url}/posts/index.xml`]);

    site.setFaults([]);
    const back = await sync(syncOptions(site.url, archive, { revalidate: 0 }));
    expect(back.failed).toEqual([]);
    expect(back.updated).toEqual([path]);
    expect(await readFile(join(archive, path), 'utf8')).toContain('author: Bea Writer');
    expect(back.missingUpstream).toEqual([]);
    expect(await posts(archive)).toEqual(await fresh(site));
  });

  it('a sitemap cut short is a failed source: exit 1, line and column, nothing missing upstream, the state keeps every post', async () => {
    const archive = await tempDir();
    const site = await siteOf(BASE);
    await sync(syncOptions(site.url, archive));
    const stateBefore = await loadState(archive);
    const whole = await (await fetch(`${site.url}/sitemap.xml`)).text();
    site.setRawPage('/sitemap.xml', {
      body: whole.slice(0, Math.floor(whole.length * 0.6)),
      headers: { 'content-type': 'application/xml' },
    });
    const before = await posts(archive);
    const report = await sync(syncOptions(site.url, archive));
    expect(report.failed).toEqual([
      { url: `${site.url}/sitemap.xml`, error: expect.stringMatching(/line \d+.*column \d+|\d+:\d+/) },
    ]);
    expect(reportExitCode(report)).toBe(1);
    expect(report.missingUpstream).toBeNull();
    expect(await posts(archive)).toEqual(before);
    const stateAfter = await loadState(archive);
    for (const [url, entry] of Object.entries(stateBefore.urls))
      if (entry.path) expect(stateAfter.urls[url]?.path, url).toBe(entry.path);
  });
});

describe('the report says what happened', () => {
  it('counts posts as discovered and the other pages apart', async () => {
    const archive = await tempDir();
    const site = await siteOf(BASE);
    const report = await sync(syncOptions(site.url, archive));
    expect(report.discovered).toBe(BASE.length);
    expect(report.notPosts).toBeGreaterThan(0);
    expect(existsSync(join(archive, postPath('2024-03-11', 'Welcome')))).toBe(true);
  });

  it('prints no control character of a title raw: summary, diff text and Markdown show it escaped', async () => {
    const { formatDiffMarkdown, formatDiffText, viewOfReport } = await import('../src/report/diff.js');
    const archive = await tempDir();
    const site = await siteOf([source('Ballot \u001b[31mRED\u0007 Bell', '2024-03-05T10:00:00+00:00', 'Body.\n')]);
    const first = await sync(syncOptions(site.url, archive));
    site.setPosts([
      fromSource(
        source('Ballot \u001b[31mRED\u0007 Bell', '2024-03-05T10:00:00+00:00', 'Body, edited.\n', {
          lastmod: '2024-04-01T00:00:00+00:00',
        }),
      ),
    ]);
    const second = await sync(syncOptions(site.url, archive));
    expect(first.changes[0]?.title).toContain('\u001b');
    const texts = [
      formatSummary(first),
      formatSummary(second),
      formatDiffText(viewOfReport(second), false),
      formatDiffMarkdown(viewOfReport(second)),
    ];
    for (const text of texts) {
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    }
    expect(texts[0]).toContain('Ballot \\x1b[31mRED\\x07 Bell');
    // With colour, the only escapes are the diff's own.
    const coloured = formatDiffText(viewOfReport(second), true);
    expect(coloured.replace(/\u001b\[(\d+)m/g, '')).not.toContain('\u001b');
    expect(coloured).toContain('\\x1b[31mRED\\x07');
    expect(coloured).not.toContain('\u0007');
  });
});
