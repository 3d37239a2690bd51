// A sync of the real Hugo build (fixtures/hugo/public): every post of every shape is archived, only
// true aliases are written, and a second sync downloads nothing but robots.txt.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadArchive } from '../src/archive/load.js';
import { sync } from '../src/sync/sync.js';
import { reportExitCode } from '../src/report/report.js';
import { conventionalOldPaths, pathKey, permalinkPath } from '../src/site/index.js';
import { fixtureSite, syncOptions } from './helpers/site.js';
import { tempDir } from './helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../fixtures/hugo/public/', import.meta.url));
const SOURCES = fileURLToPath(new URL('../fixtures/hugo/content/posts/', import.meta.url));

/** Every post source of the fixture: its title and whether it states a description. */
function sourcePosts(): { title: string; description: boolean }[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md') && entry.name !== '_index.md') files.push(path);
    }
  };
  walk(SOURCES);
  return files.map((file) => {
    const front = readFileSync(file, 'utf8').split(/^---$/m)[1] ?? '';
    const title =
      /^title:\s*(.+)$/m
        .exec(front)?.[1]
        ?.trim()
        .replace(/^(['"])(.*)\1$/, '$2') ?? file;
    return { title, description: /^description:/m.test(front) };
  });
}

/** The alias stubs Hugo wrote: alias path → the path it redirects to. */
function servedAliases(): Map<string, string> {
  const aliases = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'index.html') {
        const target = /<meta http-equiv="refresh" content="0; url=([^"]+)"/.exec(readFileSync(path, 'utf8'))?.[1];
        if (target) aliases.set(pathKey(`/${relative(ROOT, dir)}/`), pathKey(target));
      }
    }
  };
  walk(ROOT);
  return aliases;
}

describe('a sync of the Hugo-built site', () => {
  it('archives every post, writes only true aliases and no invented field, and re-syncs quietly', async () => {
    const site = await fixtureSite({ root: ROOT });
    const archive = await tempDir();
    const first = await sync(syncOptions(site.url, archive));
    expect(first.failed).toEqual([]);
    expect(reportExitCode(first)).toBe(0);

    const index = await loadArchive(archive, { cache: false });
    const sources = sourcePosts();
    expect(sources.length).toBeGreaterThanOrEqual(18);
    expect(index.entries.map((e) => e.title).sort()).toEqual(sources.map((s) => s.title).sort());
    expect(first.coverage).toEqual({ listed: sources.length, archived: sources.length, missing: [] });
    // Every URL the site named has an outcome.
    expect(first.skipped.length).toBeGreaterThan(0);
    for (const url of first.skipped.map((s) => s.url)) expect(first.urls[url]?.outcome, url).toBe('skipped');
    const archived = Object.values(first.urls).filter((o) => o.outcome === 'archived');
    expect(archived.length).toBe(sources.length);
    expect(Object.values(first.urls).filter((o) => o.outcome === 'failed')).toEqual([]);
    for (const entry of index.entries) {
      const source = sources.find((s) => s.title === entry.title)!;
      const front = entry.post.frontMatter;
      if (!source.description) expect(front.description, entry.title).toBeUndefined();
      for (const value of Object.values(front))
        expect(JSON.stringify(value), entry.title).not.toMatch(/&[a-z]+;|&#\d+;/);
    }

    // Aliases: each served stub the site reveals (a conventional old path) is recorded on its post, and nothing else.
    const served = servedAliases();
    for (const entry of index.entries) {
      const own = pathKey(permalinkPath(entry.day, entry.title));
      const recorded = (entry.post.frontMatter.aliases ?? []).map(pathKey);
      for (const alias of recorded) expect(served.get(alias), `${entry.title}: ${alias}`).toBe(own);
      const revealed = conventionalOldPaths(entry.day, entry.title, own).filter((path) => served.get(path) === own);
      expect(recorded.sort(), entry.title).toEqual(revealed.sort());
    }
    const withAliases = index.entries.filter((e) => Array.isArray(e.post.frontMatter.aliases)).map((e) => e.title);
    expect(withAliases).toEqual(
      expect.arrayContaining([
        'CA/Browser Forum Statement on Certificate Transparency',
        'F2F Meeting #58 – Zürich, Switzerland',
        'Version 1.3 of the EV Guidelines',
      ]),
    );

    // Shapes: empty body, zero date, no author, nested and dotted permalinks, no needless escapes.
    const byTitle = (title: string) => index.entries.find((e) => e.title === title)!;
    expect(byTitle('2021-06-02 Minutes of the Network Security Working Group').post.body.trim()).toBe('');
    expect(byTitle('Ballot 144 – Validation Rules for .onion Names').post.frontMatter.date).toBe('0001-01-01 00:00:00');
    expect(byTitle('Code Signing Baseline Requirements Published').post.frontMatter.author).toBeUndefined();
    const london = readFileSync(
      join(archive, byTitle('2018-06-06 Minutes for CA/Browser Forum F2F Meeting 44 – London').path),
      'utf8',
    );
    expect(london).toContain('### 1. Roll Call');
    expect(london).toContain('**1. Present:**');

    // A second sync: nothing changed, so nothing but robots.txt is downloaded in full.
    const before = site.log.length;
    const second = await sync(syncOptions(site.url, archive));
    const log = site.log.slice(before);
    expect(log.filter((e) => e.status === 200).map((e) => e.path)).toEqual(['/robots.txt']);
    // Listing pages past the first are reread a seventh at a time (revalidation), and answered 304.
    const listingPages = log.filter((e) => /^\/posts\/page\//.test(e.path));
    expect(listingPages.length).toBeLessThanOrEqual(3);
    expect(listingPages.every((e) => e.status === 304)).toBe(true);
    expect(second.added).toEqual([]);
    expect(second.updated).toEqual([]);
    expect(second.failed).toEqual([]);
    expect(reportExitCode(second)).toBe(0);

    // A title edited in the archive moves the permalink its file answers to; the state still knows
    // where the URL went, so the post is neither fetched again nor given an invented alias.
    const edited = byTitle('Minutes of the S/MIME Working Group');
    const file = join(archive, edited.path);
    const retitled = readFileSync(file, 'utf8').replace(
      'title: Minutes of the S/MIME Working Group',
      'title: Minutes of the S/MIME WG',
    );
    writeFileSync(file, retitled);
    const mark = site.log.length;
    const third = await sync(syncOptions(site.url, archive));
    expect(
      site.log
        .slice(mark)
        .filter((e) => e.status === 200)
        .map((e) => e.path),
    ).toEqual(['/robots.txt']);
    expect(third.missingUpstream).toEqual([]);
    expect(third.coverage?.missing).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(retitled);
  }, 60_000);
});
