import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { readFile, writeFile, mkdir, readdir, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { sync, fetchUrls } from '../src/sync/sync.js';
import { reprocess } from '../src/sync/reprocess.js';
import { loadArchive } from '../src/archive/load.js';
import { verifyArchive } from '../src/archive/verify.js';
import { LockHeldError } from '../src/errors.js';
import { reportExitCode } from '../src/report/report.js';
import type { SitePost } from '../fixtures/site/server.js';
import { defaultPosts } from '../fixtures/site/content.js';
import { seededArchive, snapshot, tempDir } from './helpers/tmp.js';
import { fixtureSite, postRequests, requestPath, syncOptions } from './helpers/site.js';
import { CLI, runCli, runCommand } from './helpers/cli.js';

const SEED0_PATH = 'posts/2022/2022-11-03-2022-11-03-minutes-of-the-code-signing-certificate-working-group.md';
const SEED0 = readFileSync(new URL(`../archive/${SEED0_PATH}`, import.meta.url), 'utf8');
const SEED4_PAGE = readFileSync(
  new URL('../fixtures/pages/2022-11-03-code-signing-minutes.html', import.meta.url),
  'utf8',
);
const SEED0_FIXED = SEED0.replace('PR ()', 'PR (https://github.com/cabforum/code-signing/pull/12)').replace(
  'GitHub()',
  'GitHub(https://github.com/cabforum/code-signing/tree/importTLSBRrefs)',
);
const SEED_POST_PATH = '/2022/11/03/2022-11-03-minutes-of-the-code-signing-certificate-working-group/';
const SEED_ALIAS = '/2022-11-03-2022-11-03-minutes-of-the-code-signing-certificate-working-group/';

/** The site post whose page is the seed-004 fixture page. */
const seedPost: SitePost = {
  title: '2022-11-03 Minutes of the Code Signing Certificate Working Group',
  slug: '2022-11-03-minutes-of-the-code-signing-certificate-working-group',
  date: '2022-11-03T17:00:00+00:00',
  author: 'Corey Bonnell',
  tags: ['Code Signing'],
  bodyHtml: '<p>(served from the fixture page)</p>',
  aliases: [SEED_ALIAS],
};

async function seedSite(extraPosts: SitePost[] = []) {
  return fixtureSite({ posts: [seedPost, ...extraPosts], rawPages: { [SEED_POST_PATH]: { body: SEED4_PAGE } } });
}

/** Every file under posts/, path (from the archive root) → text. */
async function postsOf(archive: string): Promise<Map<string, string>> {
  return new Map([...(await snapshot(join(archive, 'posts')))].map(([path, text]) => [`posts/${path}`, text]));
}

describe('sync against the seeded archive', () => {
  it('restores the two lost URLs of seed 000 and changes nothing else', async () => {
    const archive = await seededArchive();
    const site = await seedSite();
    const report = await sync(syncOptions(site.url, archive));
    expect(report.failed).toEqual([]);
    expect(report.added).toEqual([]);
    expect(report.updated).toEqual([SEED0_PATH]);
    expect(await readFile(join(archive, SEED0_PATH), 'utf8')).toBe(SEED0_FIXED);
    expect((await postsOf(archive)).size).toBe(4);

    const diff = await runCli(['diff', '--archive', archive]);
    expect(diff.code).toBe(0);
    const changed = diff.stdout.split('\n').filter((line) => /^[-+](?![-+]{2})/.test(line));
    expect(changed).toEqual([
      '-Bruce said he will circulate the current PR () for this ballot for review and call for endorsers.',
      '+Bruce said he will circulate the current PR (https://github.com/cabforum/code-signing/pull/12) for this ballot for review and call for endorsers.',
      expect.stringMatching(/^-Dimitris created a branch on GitHub\(\) to copy/),
      expect.stringMatching(
        /^\+Dimitris created a branch on GitHub\(https:\/\/github.com\/cabforum\/code-signing\/tree\/importTLSBRrefs\) to copy/,
      ),
    ]);
    // The other seeds are not on this site: kept, and reported.
    expect(report.missingUpstream).toHaveLength(3);
    expect(verifyArchive(await loadArchive(archive))).toEqual([]);
  });

  it('fetch of an old alias URL updates the existing post instead of creating one', async () => {
    const archive = await seededArchive();
    const site = await seedSite();
    const report = await fetchUrls([`${site.url}${SEED_ALIAS}`], syncOptions(site.url, archive));
    expect(report.failed).toEqual([]);
    expect(report.added).toEqual([]);
    expect(report.updated).toEqual([SEED0_PATH]);
    expect(report.merged).toEqual({ [`${site.url}${SEED_ALIAS}`]: SEED0_PATH });
    expect((await postsOf(archive)).size).toBe(4);
  });

  it('gives one file for an alias and its permalink fetched in one run', async () => {
    const archive = await tempDir();
    const site = await seedSite();
    const report = await fetchUrls(
      [`${site.url}${SEED_POST_PATH}`, `${site.url}${SEED_POST_PATH}index.html`, `${site.url}${SEED_ALIAS}`],
      syncOptions(site.url, archive),
    );
    expect(report.failed).toEqual([]);
    expect(report.added).toHaveLength(1);
    const files = await postsOf(archive);
    expect([...files.keys()]).toEqual([SEED0_PATH]);
    expect(files.get(SEED0_PATH)).toContain(`aliases:\n- ${SEED_ALIAS}\n`);
  });
});

describe('the page ledger', () => {
  it('counts an alias page that points off the site as failed (exit 1)', async () => {
    const archive = await tempDir();
    const offSite = '/2022-11-04-moved-away/';
    const stub =
      '<!doctype html><html><head><title>x</title><link rel="canonical" href="https://elsewhere.example/post/"><meta http-equiv="refresh" content="0; url=https://elsewhere.example/post/"></head></html>';
    const site = await fixtureSite({ posts: [], rawPages: { [offSite]: { body: stub } } });
    const report = await fetchUrls([`${site.url}${offSite}`], syncOptions(site.url, archive));
    const reason = 'alias of https://elsewhere.example/post/, which is not on the site';
    expect(report.failed).toEqual([{ url: `${site.url}${offSite}`, error: reason }]);
    expect(report.urls).toEqual({ [`${site.url}${offSite}`]: { outcome: 'failed', reason } });
    expect(reportExitCode(report)).toBe(1);
  });

  it('reads an unchanged post again when an alias page it does not claim yet leads to it, and adds the alias', async () => {
    const archive = await tempDir();
    const site = await seedSite();
    const first = await sync(syncOptions(site.url, archive, { revalidate: 0 }));
    expect(first.failed).toEqual([]);
    const old = '/an-old-name/';
    const target = `${site.url}${SEED_POST_PATH}`;
    site.setRawPage(old, {
      body: `<!doctype html><html><head><title>${target}</title><link rel="canonical" href="${target}"><meta http-equiv="refresh" content="0; url=${target}"></head></html>`,
    });
    // The sitemap now names the alias page too; the post's own entry is as before (nothing announced a change).
    const sitemap = await (await fetch(`${site.url}/sitemap.xml`)).text();
    site.setRawPage('/sitemap.xml', {
      body: sitemap.replace('</urlset>', `<url><loc>${site.url}${old}</loc></url></urlset>`),
      headers: { 'content-type': 'application/xml' },
    });
    const second = await sync(syncOptions(site.url, archive, { revalidate: 0 }));
    expect(second.failed).toEqual([]);
    expect(second.merged[`${site.url}${old}`]).toBe(SEED0_PATH);
    expect(second.urls[`${site.url}${old}`]).toEqual({
      outcome: 'archived',
      path: SEED0_PATH,
      reason: `alias of ${target}`,
    });
    expect(await readFile(join(archive, SEED0_PATH), 'utf8')).toMatch(/aliases:\n(- .*\n)*- \/an-old-name\/\n/);
  });

  it('stops taking pages when the run is aborted, and reports every page not done as failed', async () => {
    const archive = await tempDir();
    const site = await fixtureSite();
    const controller = new AbortController();
    // Stopped once discovery is done and the first page is in: the rest are taken no more, or cut off.
    const report = await sync(syncOptions(site.url, archive), {
      signal: controller.signal,
      progress: (progress) => progress.fetched > 0 && controller.abort(new Error('run deadline passed')),
    });
    expect(report.added.length).toBeLessThan(site.posts.length);
    expect(report.failed.length).toBeGreaterThan(0);
    expect(report.failed.length + report.added.length).toBeGreaterThanOrEqual(site.posts.length);
    for (const { error } of report.failed)
      expect(['not processed: the run stopped (run deadline passed)', 'not fetched: run deadline passed']).toContain(
        error,
      );
    // Report and state are written as usual: the next run starts where this one stopped.
    expect(await readdir(join(archive, '.cabsync', 'reports'))).toHaveLength(1);
  });

  it('stops reprocessing on the signal too, every stored page not done failed', async () => {
    const archive = await tempDir();
    const site = await fixtureSite();
    await sync(syncOptions(site.url, archive, { keepRaw: true }));
    const controller = new AbortController();
    controller.abort(new Error('run deadline passed'));
    const report = await reprocess(syncOptions(site.url, archive), { signal: controller.signal });
    expect(report.failed.length).toBeGreaterThanOrEqual(site.posts.length);
    expect(report.failed.every((f) => f.error === 'not processed: the run stopped (run deadline passed)')).toBe(true);
  });
});

describe('sync into an empty archive', () => {
  it('writes every post once; a second sync writes nothing and downloads no post body', async () => {
    const archive = await tempDir();
    const site = await fixtureSite();
    const first = await sync(syncOptions(site.url, archive));
    expect(first.failed).toEqual([]);
    expect(first.added.length).toBe(site.posts.length);
    const files = await postsOf(archive);
    expect(files.size).toBe(site.posts.length);
    expect(verifyArchive(await loadArchive(archive))).toEqual([]);
    const mtimes = await Promise.all([...files.keys()].map(async (p) => (await stat(join(archive, p))).mtimeMs));

    const before = site.log.length;
    const second = await sync(syncOptions(site.url, archive));
    expect(second).toMatchObject({ added: [], updated: [], failed: [] });
    expect(second.unchanged).toBe(site.posts.length);
    // Nothing changed: the sitemap's lastmods spare every post a request but the revalidation turn
    // (the least recently checked seventh), and every answer but robots.txt is a 304.
    const requests = site.log.slice(before);
    const posts = postRequests(requests);
    expect(posts).toHaveLength(Math.ceil(site.posts.length / 7));
    expect(second.revalidation).toMatchObject({ revalidated: posts.length });
    expect(requests.filter((entry) => entry.status !== 304).map((entry) => `${entry.status} ${entry.path}`)).toEqual([
      '200 /robots.txt',
    ]);
    expect(requests.filter((entry) => entry.status === 304).every((entry) => entry.bytes === 0)).toBe(true);
    expect(await postsOf(archive)).toEqual(files);
    const mtimesAfter = await Promise.all([...files.keys()].map(async (p) => (await stat(join(archive, p))).mtimeMs));
    expect(mtimesAfter).toEqual(mtimes);
    const reports = await readdir(join(archive, '.cabsync', 'reports'));
    expect(reports).toHaveLength(2);
  });

  it('writes nothing in a dry run', async () => {
    const archive = await tempDir();
    const site = await fixtureSite();
    const report = await sync(syncOptions(site.url, archive, { dryRun: true }));
    expect(report.added.length).toBe(site.posts.length);
    expect(await readdir(archive)).toEqual([]);
  });

  it('keeps a post that disappeared upstream and reports it', async () => {
    const archive = await tempDir();
    const site = await fixtureSite();
    await sync(syncOptions(site.url, archive));
    const [gone, ...rest] = site.posts;
    site.setPosts(rest);
    const report = await sync(syncOptions(site.url, archive));
    expect(report.missingUpstream).toHaveLength(1);
    expect(report.missingUpstream?.[0]).toContain(gone!.slug);
    expect((await postsOf(archive)).size).toBe(rest.length + 1);
  });

  it('suffixes a name clash with -2 and keeps files inside the archive for hostile titles', async () => {
    const archive = await tempDir();
    const long = 'Ballot SC-99 '.padEnd(120, 'x');
    const base = defaultPosts()[0]!;
    const hostile = ['../../../etc/passwd', 'a/b\\c\u0000d', 'Café “Iñigo” – 日本', `${long} first`, `${long} second`];
    const posts = hostile.map((title, i) => ({
      ...base,
      title,
      slug: `hostile-${i}`,
      date: '2024-05-06T10:00:00+00:00',
      aliases: [],
      bodyHtml: `<p>Entirely different post number ${i}: ${'lorem ipsum '.repeat(i + 3)}</p><p>${title.length} ${i * 7919}</p>`,
    }));
    const site = await fixtureSite({ posts });
    const report = await sync(syncOptions(site.url, archive));
    expect(report.failed).toEqual([]);
    expect(report.added).toHaveLength(5);
    for (const path of report.added) expect(path).toMatch(/^posts\/2024\/2024-05-06-[a-z0-9-]+(-\d+)?\.md$/);
    expect(report.added.filter((p) => p.endsWith('-2.md'))).toHaveLength(1);
    expect(readdirSync(archive).sort()).toEqual(['.cabsync', 'posts']);
  });
});

describe('failures and locking', () => {
  /** Lock times short enough that a killed run's lock goes stale within the test. */
  const SHORT_LOCK = { CABSYNC_LOCK_STALE_MS: '500', CABSYNC_LOCK_UPDATE_MS: '100' };

  it('reports a failing URL, writes every other post, and exits 1', async () => {
    const archive = await tempDir();
    const site = await fixtureSite();
    const victim = site.posts[3]!;
    const path = `/${victim.date.slice(0, 10).replaceAll('-', '/')}/${victim.slug}/`;
    site.setFaults([{ path, kind: 'wrong-type' }]);
    const result = await runCli(['sync', '--site', site.url, '--archive', archive, '--rate', '0', '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.failed).toEqual([{ url: `${site.url}${path}`, error: expect.any(String) }]);
    expect(report.added).toHaveLength(site.posts.length - 1);
  });

  it('refuses a second sync while the lock is held (exit 3) and takes over a stale lock', async () => {
    const archive = await tempDir();
    const site = await fixtureSite();
    await mkdir(join(archive, '.cabsync'), { recursive: true });
    const lock = join(archive, '.cabsync', 'lock');
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }));
    const refused = await runCli(['sync', '--site', site.url, '--archive', archive, '--rate', '0']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/another sync \(pid \d+.*holds the lock/);
    await expect(sync(syncOptions(site.url, archive))).rejects.toBeInstanceOf(LockHeldError);

    // Stale: not refreshed for longer than the stale time (30 s), whatever process it names.
    await writeFile(
      lock,
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), startedAt: '2020-01-01T00:00:00Z' }),
    );
    await utimes(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const taken = await runCli(['sync', '--site', site.url, '--archive', archive, '--rate', '0']);
    expect(taken.code).toBe(0);
    await expect(stat(lock)).rejects.toThrow();
  });

  it('refuses a real concurrent sync with exit 3', async () => {
    const archive = await tempDir();
    const site = await fixtureSite({ latencyMs: 100 });
    const slow = runCli(['sync', '--site', site.url, '--archive', archive, '--rate', '0', '--concurrency', '1']);
    const lock = join(archive, '.cabsync', 'lock');
    for (let i = 0; i < 200 && !(await stat(lock).catch(() => undefined)); i++)
      await new Promise((r) => setTimeout(r, 25));
    const second = await runCli(['sync', '--site', site.url, '--archive', archive, '--rate', '0']);
    expect(second.code).toBe(3);
    expect((await slow).code).toBe(0);
  });

  it('survives kill -9 after the Nth post response: the killed archive is partial, its files whole, and a rerun ends byte-identical', async () => {
    const site = await fixtureSite({ latencyMs: 10 });
    const reference = await tempDir();
    const ok = await runCli(['sync', '--site', site.url, '--archive', reference, '--rate', '0']);
    expect(ok.code).toBe(0);
    const expected = await postsOf(reference);
    // Post pages as the server log names them (the identity module says what a post path is).
    const postPaths = [...new Set(postRequests(site.log).map(requestPath))];
    expect(postPaths.length).toBeGreaterThanOrEqual(expected.size);
    let written = 0;
    for (const n of [1, Math.floor(postPaths.length / 3), Math.floor((2 * postPaths.length) / 3)]) {
      const archive = await tempDir();
      const before = site.log.length;
      const child = spawn(process.execPath, [CLI, 'sync', '--site', site.url, '--archive', archive, '--rate', '0'], {
        stdio: 'ignore',
        env: { ...process.env, ...SHORT_LOCK },
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const served = () =>
        postRequests(site.log.slice(before)).filter((entry) => entry.end > 0 && entry.status === 200 && !entry.fault)
          .length;
      await until(() => served() >= n);
      // Every other post page stalls from now on: the run cannot finish, whatever the machine's speed.
      site.setFaults(postPaths.map((path) => ({ path, kind: 'stall', ms: 30_000 })));
      // Killed once the first post is on disk (or a moment after the Nth response): mid-write, not before any.
      await until(async () => (await loadArchive(archive)).entries.length > 0, 2_000).catch(() => undefined);
      child.kill('SIGKILL');
      await exited;
      site.setFaults([]);
      const partial = await loadArchive(archive);
      expect(partial.malformed).toEqual([]);
      expect(partial.entries.length).toBeLessThan(expected.size);
      // A post the killed run left is whole: the very bytes of the finished archive (a temp file of a
      // write cut short is no post: the next run clears it).
      for (const { path } of partial.entries)
        expect(await readFile(join(archive, path), 'utf8'), path).toBe(expected.get(path));
      written += partial.entries.length;
      // The killed run's lock goes stale once not refreshed for the stale time: wait that long.
      await new Promise((r) => setTimeout(r, 600));
      const rerun = await runCli(['sync', '--site', site.url, '--archive', archive, '--rate', '0'], {
        env: SHORT_LOCK,
      });
      expect(rerun.code).toBe(0);
      expect(await postsOf(archive)).toEqual(expected);
    }
    // The kills landed after posts were written, not all before the first: the test checked something.
    expect(written).toBeGreaterThan(0);
  }, 120_000);
});

/** Resolves once `done` holds, polling; rejects after `timeoutMs`. */
async function until(done: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the lock under contention', () => {
  it('lets exactly one of several processes take over a stale lock', async () => {
    const archive = await tempDir();
    await mkdir(join(archive, '.cabsync'), { recursive: true });
    await writeFile(
      join(archive, '.cabsync', 'lock'),
      JSON.stringify({ pid: 2 ** 22 + 4321, host: hostname(), startedAt: '2020-01-01T00:00:00Z' }),
    );
    await utimes(join(archive, '.cabsync', 'lock'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const lockModule = new URL('../dist/src/write/lock.js', import.meta.url).href;
    const script = `const { acquireLock } = await import(${JSON.stringify(lockModule)});
      try { const lock = await acquireLock(${JSON.stringify(archive)}); console.log('got'); await new Promise((r) => setTimeout(r, 1500)); await lock.release(); }
      catch (error) { console.log(error.name); }`;
    const runs = await Promise.all(
      Array.from({ length: 6 }, () => runCommand(process.execPath, ['--input-type=module', '-e', script])),
    );
    const outcomes = runs.map((run) => run.stdout.trim()).sort();
    expect(outcomes).toEqual([
      'LockHeldError',
      'LockHeldError',
      'LockHeldError',
      'LockHeldError',
      'LockHeldError',
      'got',
    ]);
    expect((await readdir(join(archive, '.cabsync'))).filter((name) => name !== 'lock')).toEqual([]);
  });
});
