// The fault and hostile-input drill (issue 6, section 3): the real pipeline against the fixture site
// with every fault kind on, hostile pages, a hostile archive, and a disk that refuses writes.
// Bounds (issue 20): deadlines, caps before parsing, faults that stay with their file, links out of
// the archive. The lock's cases (SIGKILL then a run at once, a lock naming a live process, a holder
// killed in its own PID namespace, SIGINT and SIGTERM) are in test/lock.test.ts.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sync } from '../src/sync/sync.js';
import { loadArchive } from '../src/archive/load.js';
import { pathKey } from '../src/site/index.js';
import { WriteError } from '../src/errors.js';
import type { FaultSpec, SitePost } from '../fixtures/site/server.js';
import { defaultPosts } from '../fixtures/site/content.js';
import { renderPostPage } from '../fixtures/site/render.js';
import { postPath, wirePath } from '../fixtures/site/util.js';
import { seededArchive, tempDir } from './helpers/tmp.js';
import { fixtureSite, FAST_FETCH, siteFetcher, syncOptions } from './helpers/site.js';
import { syncAttachments } from '../src/attachments/attachments.js';
import { gzipSync } from 'node:zlib';
import { CLI } from './helpers/cli.js';
import { CAN_MOUNT, encodeCp1252, expectWhole, IS_ROOT, run, tree } from './helpers/drill.js';

const SEEDS = {
  fixed: 'posts/2022/2022-11-03-2022-11-03-minutes-of-the-code-signing-certificate-working-group.md',
  faulty: 'posts/2021/2021-10-07-2021-10-07-minutes-of-the-code-signing-certificate-working-group.md',
  third: 'posts/2023/2023-11-02-2023-11-02-minutes-of-the-code-signing-certificate-working-group.md',
};
/** A file's text with links reduced to their text: an update that only restores lost links leaves it equal. */
const withoutLinks = (text: string) => text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\s*\([^)]*\)/g, '');

const urlOf = (site: { url: string }, post: Pick<SitePost, 'date' | 'slug'>) =>
  `${site.url}${wirePath(postPath(post))}`;

describe('every fault of the fixture site in one sync', () => {
  it('writes every healthy post, retries or reports every faulty URL, and loses nothing', async () => {
    const archive = await seededArchive();
    const before = await tree(archive);
    const posts = defaultPosts();
    const [, faultySeed] = posts;
    const [slow, limited, busy, resetting, stalled, cut, looping, oversize, image, down, unreachable] = posts.slice(4);
    const at = (post: SitePost | undefined) => postPath(post!);
    const transient: FaultSpec[] = [
      { path: at(slow), kind: 'latency', ms: 300 },
      { path: at(limited), kind: '429', retryAfter: 1, times: 1 },
      { path: at(busy), kind: '503', times: 2 },
      { path: at(resetting), kind: 'reset', times: 2 },
      { path: at(stalled), kind: 'stall', ms: 4_000, times: 1 },
      { path: at(cut), kind: 'truncate', times: 1 },
      // Discovery sources meet faults too, and must come through.
      { path: '/sitemap.xml', kind: 'reset', times: 1 },
      { path: '/posts/page/2/', kind: '503', times: 1 },
      { path: '/posts/index.xml', kind: 'truncate', times: 1 },
    ];
    const permanent: [SitePost | undefined, FaultSpec['kind'], RegExp][] = [
      [looping, 'redirect-loop', /redirect/i],
      [oversize, 'oversize', /larger than 1048576 bytes/],
      [image, 'wrong-type', /wrong content type image\/png/],
      [faultySeed, 'bad-utf8', /invalid utf-8 bytes/],
      [down, '503', /HTTP 503/],
      [unreachable, 'reset', /ECONNRESET|reset/i],
    ];
    const faults = [
      ...transient,
      ...permanent.map(([post, kind]): FaultSpec => ({ path: at(post), kind, bytes: 3 * 1024 * 1024 })),
    ];
    const site = await fixtureSite({ posts, faults });

    const report = await sync(syncOptions(site.url, archive, { fetch: { ...FAST_FETCH, maxBytes: 1024 * 1024 } }));
    const failed = new Map(report.failed.map((f) => [f.url, f.error]));
    expect([...failed.keys()].sort()).toEqual(permanent.map(([post]) => urlOf(site, post!)).sort());
    for (const [post, , cause] of permanent) expect(failed.get(urlOf(site, post!))).toMatch(cause);
    expect(report.missingUpstream).toEqual([]);
    // Each transient fault was met, then retried to a healthy answer.
    for (const spec of transient.filter((f) => f.times !== undefined)) {
      const hits = site.log.filter((entry) => decodeURIComponent(entry.path) === spec.path);
      expect(hits.length, spec.path).toBeGreaterThan(spec.times!);
      expect(hits.at(-1)?.status, spec.path).toBe(200);
    }

    const index = await loadArchive(archive);
    expect(index.malformed).toEqual([]);
    const healthy = posts.filter((post) => !permanent.some(([p]) => p === post));
    for (const post of healthy) expect(index.byUrlPath.has(pathKey(postPath(post))), postPath(post)).toBe(true);
    const after = await tree(archive);
    for (const [path, bytes] of before) {
      if (!report.updated.includes(path)) expect(after.get(path), path).toBe(bytes);
      else expect(withoutLinks(after.get(path)!), path).toBe(withoutLinks(bytes));
    }
    expect(report.updated).toEqual([SEEDS.fixed]);
    await expectWhole(archive);

    // The site heals: the next sync writes what was missing and nothing fails.
    site.setFaults([]);
    const healed = await sync(syncOptions(site.url, archive));
    expect(healed.failed).toEqual([]);
    expect(healed.added).toHaveLength(permanent.length - 1);
    expect((await tree(archive)).get(SEEDS.faulty)).toBe(before.get(SEEDS.faulty));
  }, 60_000);
});

const HOSTILE_TITLE = `- "Ballot": 'SC-1' #not-a-comment & *alias !tag %x @y \`code\` | > {a: b} [c] ---\n... *em* _u_ [link](javascript:x) <b>`;
const ACCENTS = 'Café résumé naïve — “quoted” ’tis';

const HOSTILE_BODY = `<p>Before the hostile bits.</p>
<script>alert("script")</script>
<iframe src="https://evil.example/frame"></iframe>
<style>body { display: none }</style>
<p onclick="alert('click')">Clickable paragraph</p>
<img src="/uploads/pic.png" onerror="alert('error')" alt="a picture">
<p><a href="javascript:alert('js')">javascript link</a>, <a href=" JaVaScRiPt:alert('mixed')">mixed case</a>,
<a href="jav&#x09;ascript:alert('tab')">tab inside</a>, <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>,
<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;" alt="data image"> and <a href="https://example.org/ok">a good link</a>.</p>
<svg><script>alert("svg")</script></svg>
<p>A text mention: &lt;script&gt;alert("text")&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt;</p>
<form action="javascript:alert('form')"><input value="x"></form>
<p>After the hostile bits.</p>`;

describe('hostile pages', () => {
  it('converts each safely or reports it; nothing lands outside the archive; nothing hangs', async () => {
    const root = await tempDir();
    const archive = join(root, 'a', 'b', 'c', 'archive');
    const base = { author: 'Mallory', tags: ['Ballots'], aliases: [], date: '2024-05-06T10:00:00+00:00' };
    const post = (slug: string, title: string, bodyHtml: string): SitePost => ({ ...base, slug, title, bodyHtml });
    const posts = {
      scripts: post('scripts', 'Scripts and handlers', HOSTILE_BODY),
      title: post('metacharacters', HOSTILE_TITLE, '<p>The title is the attack.</p>'),
      slug: post('..%2F..%2F..%2Fescape', '../../../../escape/../x', '<p>The slug climbs out.</p>'),
      huge: post('fifty-megabytes', 'Fifty megabytes', '<p>Never seen whole.</p>'),
      // Just under the nesting limit (a page past it is refused before parsing: see below).
      deep: post('deep', 'Deep divs', `${'<div>'.repeat(950)}<p>deep text</p>${'</div>'.repeat(950)}`),
      quotes: post(
        'deep-quotes',
        'Deep quotes',
        `${'<blockquote>'.repeat(950)}quoted text${'</blockquote>'.repeat(950)}`,
      ),
      header: post('windows-1252', 'Charset in the header', `<p>${ACCENTS}</p>`),
      meta: post('latin-1', 'Charset in a meta tag', `<p>${ACCENTS}</p>`),
    };
    const site = await fixtureSite({
      posts: Object.values(posts),
      faults: [{ path: postPath(posts.huge), kind: 'oversize', bytes: 50 * 1024 * 1024 }],
    });
    const page = (p: SitePost) => renderPostPage(p, site.url, []);
    // The server decodes %2F before routing: serve the page where the request lands.
    site.setRawPage(decodeURIComponent(postPath(posts.slug)), { body: page(posts.slug) });
    site.setRawPage(postPath(posts.header), {
      body: encodeCp1252(page(posts.header).replace('<meta charset="utf-8">', '')),
      headers: { 'content-type': 'text/html; charset=windows-1252' },
    });
    site.setRawPage(postPath(posts.meta), {
      body: encodeCp1252(page(posts.meta).replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')),
      headers: { 'content-type': 'text/html' },
    });

    const report = await sync(syncOptions(site.url, archive, { fetch: { ...FAST_FETCH, bodyTimeoutMs: 10_000 } }));
    const index = await loadArchive(archive);
    // The report's changes carry each written file's URL; the slug need not match the title.
    const fileOf = (p: SitePost) => index.byPath.get(report.changes.find((c) => c.url === urlOf(site, p))?.path ?? '');
    const failed = new Map(report.failed.map((f) => [f.url, f.error]));
    expect(failed.get(urlOf(site, posts.huge))).toMatch(/larger than 10485760 bytes/);
    // Memory stays bounded: the client stopped reading long before 50 MB.
    const hugeBytes = site.log
      .filter((e) => decodeURIComponent(e.path) === postPath(posts.huge))
      .reduce((sum, e) => sum + e.bytes, 0);
    expect(hugeBytes).toBeLessThan(20 * 1024 * 1024);
    // 950 levels deep: flattened and converted with its text kept, never a stack overflow or a hang.
    for (const [p, text] of [
      [posts.deep, 'deep text'],
      [posts.quotes, 'quoted text'],
    ] as const) {
      expect(failed.get(urlOf(site, p)), p.slug).toBeUndefined();
      expect(fileOf(p)?.post.body, p.slug).toContain(text);
    }
    for (const p of [posts.scripts, posts.title, posts.slug, posts.header, posts.meta])
      expect(fileOf(p), p.slug).toBeDefined();

    expect(fileOf(posts.title)!.post.frontMatter.title).toBe(HOSTILE_TITLE.replace(/\s+/g, ' '));
    for (const p of [posts.header, posts.meta])
      expect(fileOf(p)!.post.body).toContain('Café résumé naïve — “quoted” ’tis');
    const scripts = fileOf(posts.scripts)!.post.body;
    expect(scripts).toContain('Before the hostile bits.');
    expect(scripts).toContain('After the hostile bits.');
    expect(scripts).toContain('[a good link](https://example.org/ok)');
    // A mention of a tag in the text must stay text: escaped, so no Markdown renderer runs it.
    expect(scripts).toContain('alert("text")');
    // The Markdown bodies (the hostile title is data in the YAML, checked above), escaped text aside.
    for (const { path, post } of index.entries) {
      expect(path).toMatch(/^posts\/2024\/2024-05-06-[a-z0-9-]+\.md$/);
      const live = post.body.replace(/\\<[^>\n]*>?/g, '');
      expect(live, path).not.toMatch(
        /<script|<iframe|<style|<svg|<form|onclick|onerror|onload|javascript:|\]\(\s*data:/i,
      );
    }
    expect(index.malformed).toEqual([]);
    // Nothing outside the archive: the only files under the test's folder are the archive's.
    for (const path of (await tree(root)).keys()) expect(path.startsWith('a/b/c/archive/'), path).toBe(true);
    await expectWhole(archive);
  }, 60_000);
});

describe('hostile archive', () => {
  it('reports a broken, linked, read-only or huge file, leaves it byte-identical, and goes on', async () => {
    const archive = await seededArchive();
    const outside = await tempDir('cabsync-outside-');
    const outsideFile = join(outside, 'target.md');
    await writeFile(outsideFile, '---\ntitle: outside\ndate: 2024-01-15\n---\nnot the archive\n');
    const hostile = {
      broken: SEEDS.third,
      readOnly: SEEDS.fixed,
      // Where the sync would write two of the site's new posts, and a year folder it would write into.
      linked: 'posts/2024/2024-01-15-welcome-to-the-new-ca-browser-forum-website.md',
      huge: 'posts/2025/2025-08-26-ballot-sc-089-mass-revocation-planning.md',
      linkedDir: 'posts/2019',
    };
    await writeFile(join(archive, hostile.broken), '---\ntitle: [unclosed\ndate: : :\n---\nbody\n');
    await chmod(join(archive, hostile.readOnly), 0o444);
    await mkdir(join(archive, 'posts/2024'));
    await symlink(outsideFile, join(archive, hostile.linked));
    await mkdir(join(archive, 'posts/2025'));
    await writeFile(
      join(archive, hostile.huge),
      `---\ntitle: Huge\ndate: 2025-08-26\n---\n${'x'.repeat(6 * 1024 * 1024)}\n`,
    );
    await symlink(outside, join(archive, hostile.linkedDir));
    const before = await tree(archive);
    const outsideBefore = await tree(outside);

    const site = await fixtureSite();
    const report = await sync(syncOptions(site.url, archive));
    const malformed = new Map(report.malformed.map((m) => [m.path, m.reason]));
    expect(malformed.get(hostile.broken)).toMatch(/invalid YAML/);
    expect(malformed.get(hostile.linked)).toMatch(/symbolic link/);
    expect(malformed.get(hostile.linkedDir)).toMatch(/symbolic link/);
    expect(malformed.get(hostile.huge)).toMatch(/too large/);
    expect(report.failed).toContainEqual({
      url: expect.stringContaining('/2022/11/03/'),
      error: `${hostile.readOnly} is read-only: left untouched`,
    });

    const after = await tree(archive);
    for (const path of Object.values(hostile)) expect(after.get(path), path).toBe(before.get(path));
    expect((await lstat(join(archive, hostile.readOnly))).mode & 0o777).toBe(0o444);
    expect(await tree(outside)).toEqual(outsideBefore);
    // The site's posts that belong where a hostile file sits are reported, or written elsewhere in the archive.
    const failed = new Set(report.failed.map((f) => f.url));
    const blocked = site.posts.filter((p) => /^(2023-11-02|2024-01-15|2025-08-26|2019-)/.test(p.date));
    expect(blocked).toHaveLength(5);
    for (const post of blocked) {
      const written = report.changes.find((c) => c.url === urlOf(site, post))?.path;
      expect(
        failed.has(urlOf(site, post)) ||
          (written !== undefined && !Object.values(hostile).some((h) => written.startsWith(h))),
        post.slug,
      ).toBe(true);
    }
    // The sync went on: every other post of the site is in the archive.
    const index = await loadArchive(archive);
    for (const post of site.posts.filter((p) => !blocked.includes(p)))
      expect(index.byUrlPath.has(pathKey(postPath(post))), post.slug).toBe(true);
    await expectWhole(archive, Object.values(hostile));
  }, 60_000);
});

describe('a disk that refuses writes', () => {
  it('stops with a WriteError naming the file when a folder is a file (ENOTDIR), nothing half-written', async () => {
    const archive = await tempDir();
    await mkdir(join(archive, 'posts'));
    await writeFile(join(archive, 'posts', '2024'), 'a file where a folder must be\n');
    const site = await fixtureSite();
    const error = await sync(syncOptions(site.url, archive)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).message).toMatch(/cannot write \S*posts\/2024\/2024-\S+\.md: .*(ENOTDIR|EEXIST)/);
    await expectWhole(archive);
    expect((await tree(archive)).has('.cabsync/lock')).toBe(false);
  }, 60_000);

  it('exits 1 naming the file on permission denied (EACCES), nothing half-written', async () => {
    const archive = await tempDir();
    await mkdir(join(archive, 'posts', '2024'), { recursive: true });
    const site = await fixtureSite();
    let prefix: string[] = [];
    if (IS_ROOT) {
      // Root writes through any mode bits: run the CLI as nobody, who owns all but posts/2024.
      await chmod(archive, 0o755);
      for (const dir of [archive, join(archive, 'posts')]) await chown(dir, 65534, 65534);
      prefix = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
    } else {
      await chmod(join(archive, 'posts', '2024'), 0o555);
    }
    const result = await run([
      ...prefix,
      process.execPath,
      CLI,
      'sync',
      '--site',
      site.url,
      '--archive',
      archive,
      '--rate',
      '0',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot write \S*posts\/2024\/2024-\S+\.md: .*(EACCES|permission denied)/i);
    await chmod(join(archive, 'posts', '2024'), 0o755);
    await expectWhole(archive);
  }, 60_000);

  it.skipIf(!CAN_MOUNT)(
    'exits 1 naming the file on a full disk (ENOSPC, a 64 KB tmpfs), nothing half-written',
    async () => {
      const work = await tempDir();
      const archive = join(work, 'archive');
      const copy = join(work, 'copy');
      await mkdir(archive);
      const site = await fixtureSite();
      // The tmpfs lives only as long as the namespace: copy what the sync left before it goes.
      const script = `mount -t tmpfs -o size=64k tmpfs "$1" && "$2" "$3" sync --site "$4" --archive "$1" --rate 0 2>"$5/stderr"; echo $? >"$5/code"; cp -a "$1" "$5/archive"`;
      await mkdir(copy);
      const result = await run([
        'unshare',
        '-m',
        'sh',
        '-c',
        script,
        'sh',
        archive,
        process.execPath,
        CLI,
        site.url,
        copy,
      ]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(readFileSync(join(copy, 'code'), 'utf8').trim()).toBe('1');
      expect(readFileSync(join(copy, 'stderr'), 'utf8')).toMatch(
        /cannot write \S*posts\/\d{4}\/\S+\.md: .*(ENOSPC|no space left)/i,
      );
      await expectWhole(join(copy, 'archive'));
    },
    60_000,
  );
});

describe('each fault stays with its file', () => {
  it('reports an attachment the disk refuses, a bomb and a symlinked folder per file, and mirrors the rest', async () => {
    const long = `/uploads/${'n'.repeat(250)}.pdf`; // 254 bytes: the name fits, with no room for a suffix
    const deep = `/uploads/${`${'d'.repeat(200)}/`.repeat(25)}x.pdf`; // past PATH_MAX
    const bomb = '/uploads/bomb.pdf';
    const linked = '/linked/inside.pdf';
    const pdf = { headers: { 'content-type': 'application/pdf' }, body: Buffer.from('%PDF-1.4\n%%EOF\n') };
    const site = await fixtureSite({
      rawPages: {
        [long]: pdf,
        [deep]: pdf,
        '/uploads/fine.pdf': pdf,
        [linked]: pdf,
        [bomb]: {
          headers: { 'content-type': 'application/pdf', 'content-encoding': 'gzip' },
          body: gzipSync(Buffer.alloc(64 * 1024 * 1024)),
        },
      },
    });
    const archive = await tempDir();
    const outside = await tempDir();
    await mkdir(join(archive, 'files'), { recursive: true });
    await symlink(outside, join(archive, 'files', 'linked'));
    const body = [long, deep, bomb, linked, '/uploads/fine.pdf']
      .map((path, i) => `[f${i}](${site.url}${path})`)
      .join('\n');
    const report = await syncAttachments({
      archive,
      site: new URL(site.url),
      fetcher: siteFetcher(site, { userAgent: 'cabsync-test', ...FAST_FETCH }),
      maxBytes: 1024 * 1024,
      dryRun: false,
      posts: [{ path: 'posts/2024/x.md', body, url: `${site.url}/2024/01/02/x/` }],
      scope: 'some',
    });
    expect(report.added.sort()).toEqual(['files/uploads/fine.pdf', `files${long}`]);
    expect(
      report.failed.map((f) => [f.url.slice(site.url.length), f.error.match(/ENAMETOOLONG|symbolic link/)?.[0]]),
    ).toEqual([
      [linked, 'symbolic link'],
      [deep, 'ENAMETOOLONG'],
    ]);
    expect(report.warnings.map((w) => [w.kind, w.url.slice(site.url.length)])).toEqual([['too-large', bomb]]);
    expect(await tree(outside)).toEqual(new Map());
    const manifest = JSON.parse(readFileSync(join(archive, 'files', 'manifest.json'), 'utf8')) as {
      files: Record<string, unknown>;
    };
    expect(Object.keys(manifest.files).sort()).toEqual([`${site.url}/uploads/fine.pdf`, `${site.url}${long}`]);
  });
});

describe('no write follows a link out of the archive', () => {
  it('refuses a symlinked state folder before writing anything; verify does not follow a symlinked posts folder', async () => {
    const archive = await seededArchive();
    const outside = await tempDir('cabsync-outside-');
    await symlink(outside, join(archive, '.cabsync'));
    const site = await fixtureSite();
    const synced = await run([process.execPath, CLI, 'sync', '--site', site.url, '--archive', archive, '--rate', '0']);
    expect(synced.code).toBe(1);
    expect(synced.stderr).toContain(`cannot write ${join(archive, '.cabsync')}: a symbolic link: not followed`);
    expect(await tree(outside)).toEqual(new Map());

    const elsewhere = await seededArchive();
    const linked = await tempDir('cabsync-linked-');
    await symlink(join(elsewhere, 'posts'), join(linked, 'posts'));
    const verified = await run([process.execPath, CLI, 'verify', '--archive', linked, '--json']);
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      posts: 0,
      problems: [{ kind: 'malformed', path: 'posts', reason: 'symbolic link (not followed)' }],
    });
  }, 30_000);
});

describe('pages too big or too deep to parse', () => {
  it('fails each alone, before parsing, and syncs the rest', async () => {
    const posts = defaultPosts();
    const [huge, deep, swollen] = posts.slice(4);
    huge!.bodyHtml = `<p>${'x'.repeat(5 * 1024 * 1024)}</p>`;
    huge!.summary = 'A huge page.';
    deep!.bodyHtml = '<div>'.repeat(100_000) + 'deep' + '</div>'.repeat(100_000);
    // Under the page limit as HTML, over the loader's 5 MB as Markdown: each relative link becomes absolute.
    swollen!.bodyHtml = `<p>${'<a href="/u/">a</a> '.repeat(180_000)}</p>`;
    swollen!.summary = 'A swollen page.';
    const site = await fixtureSite({ posts });
    const archive = await tempDir();
    const started = Date.now();
    const report = await sync(syncOptions(site.url, archive));
    expect(Date.now() - started).toBeLessThan(20_000);
    const failed = new Map(report.failed.map((f) => [f.url, f.error]));
    expect(failed.get(urlOf(site, huge!))).toMatch(/^page too large to parse: \d+ characters, over 4194304$/);
    expect(failed.get(urlOf(site, deep!))).toMatch(
      /^page nested too deep to parse: 1000\d\d levels of elements, over 1000$/,
    );
    expect(failed.get(urlOf(site, swollen!))).toMatch(/^not written: file too large \(\d+ bytes, limit 5242880\)$/);
    expect(report.failed.map((f) => f.url).sort()).toEqual([huge, deep, swollen].map((p) => urlOf(site, p!)).sort());
    const index = await loadArchive(archive);
    expect(index.malformed).toEqual([]);
    expect(index.byUrlPath.size).toBeGreaterThanOrEqual(posts.length - 3);
  }, 30_000);
});

describe('every run ends within its deadline', () => {
  const cli = async (site: { url: string }, archive: string, flags: string[]) => {
    const started = Date.now();
    const result = await run([
      process.execPath,
      CLI,
      'sync',
      '--site',
      site.url,
      '--archive',
      archive,
      '--rate',
      '0',
      '--json',
      ...flags,
    ]);
    return {
      ...result,
      seconds: (Date.now() - started) / 1000,
      report: JSON.parse(result.stdout || '{}') as {
        failed: { url: string; error: string }[];
        added: string[];
        warnings: string[];
        id: string;
      },
    };
  };
  const lockGone = (archive: string) => expect(() => readFileSync(join(archive, '.cabsync', 'lock'))).toThrow(/ENOENT/);

  it('a server that drips a byte every 2 s: stopped at --max-duration, the rest written, report saved, lock released', async () => {
    const posts = defaultPosts();
    const dripping = posts.slice(4, 6);
    const site = await fixtureSite({
      posts,
      faults: dripping.map((post): FaultSpec => ({ path: postPath(post), kind: 'drip', ms: 2_000 })),
    });
    const archive = await tempDir();
    const { code, seconds, report } = await cli(site, archive, ['--max-duration', '4s']);
    expect(code).toBe(1);
    expect(seconds).toBeLessThan(12);
    const byUrl = (a: { url: string }, b: { url: string }) => a.url.localeCompare(b.url);
    expect(report.failed.sort(byUrl)).toEqual(
      dripping
        .map((post) => ({
          url: urlOf(site, post),
          error: "not fetched: the run's deadline (--max-duration 4s) passed",
        }))
        .sort(byUrl),
    );
    expect(report.added).toHaveLength(posts.length - dripping.length);
    expect(
      report.warnings.some((w) =>
        w.startsWith("the run stopped early (the run's deadline (--max-duration 4s) passed)"),
      ),
    ).toBe(true);
    const saved = JSON.parse(
      readFileSync(join(archive, '.cabsync', 'reports', `${report.id}.json`), 'utf8'),
    ) as typeof report;
    expect(saved.failed.sort(byUrl)).toEqual(report.failed);
    lockGone(archive);
    await expectWhole(archive);
  }, 30_000);

  it('Retry-After: 60 on every post: stopped at --max-duration, every post failed with the reason', async () => {
    const posts = defaultPosts();
    const site = await fixtureSite({
      posts,
      faults: posts.map((post): FaultSpec => ({ path: postPath(post), kind: '429', retryAfter: 60 })),
    });
    const archive = await tempDir();
    const { code, seconds, report } = await cli(site, archive, ['--max-duration', '3s']);
    expect(code).toBe(1);
    expect(seconds).toBeLessThan(10);
    // Every post, and the site's other pages still to be judged, failed with the reason.
    expect(report.failed.map((f) => f.url)).toEqual(expect.arrayContaining(posts.map((post) => urlOf(site, post))));
    for (const failure of report.failed)
      expect(failure.error).toMatch(/the run's deadline \(--max-duration 3s\) passed/);
    lockGone(archive);
  }, 30_000);

  it('--max-urls: a run considers that many new URLs and says the rest wait; they come in later runs', async () => {
    const site = await fixtureSite();
    const archive = await tempDir();
    const capped = {
      url: `${site.url}/sitemap.xml`,
      error: 'the site names more than 8 new URLs (--max-urls): the rest are not considered this run',
    };
    const first = await cli(site, archive, ['--max-urls', '8']);
    expect(first.code).toBe(1);
    expect(first.report.failed).toContainEqual(capped);
    expect(first.report.added.length).toBeLessThanOrEqual(8);
    // URLs the state knows do not count: each run takes up to 8 more, until the whole site is in.
    let runs = 1;
    for (let last = first.report; last.failed.some((f) => f.error === capped.error) && runs < 10; runs++) {
      last = (await cli(site, archive, ['--max-urls', '8'])).report;
      expect(last.added.length).toBeLessThanOrEqual(8);
    }
    expect(runs).toBeGreaterThan(3);
    const index = await loadArchive(archive);
    for (const post of site.posts) expect(index.byUrlPath.has(pathKey(postPath(post))), post.slug).toBe(true);
  }, 60_000);

  it('names the flag of a bad duration or count, and does nothing', async () => {
    const site = await fixtureSite();
    const archive = await tempDir();
    for (const [flags, message] of [
      [['--max-duration', 'soon'], 'Expected --max-duration to be a duration such as 45m, 1h30m or 90s, got "soon"'],
      [['--max-urls', '0'], '--max-urls'],
    ] as const) {
      const { code, stderr } = await cli(site, archive, [...flags]);
      expect(code).toBe(2);
      expect(stderr).toContain(message);
    }
    expect(await tree(archive)).toEqual(new Map());
  }, 30_000);
});

describe('bounded memory, through a whole sync', () => {
  it('a sitemap of 130,000 URLs: 10,000 new ones considered, the cap reported, every real post synced', async () => {
    const site = await fixtureSite();
    const sitemap = await (
      await fetch(`${site.url}/sitemap.xml`, { headers: { 'accept-encoding': 'identity' } })
    ).text();
    const junk = Array.from({ length: 130_000 }, (_, i) => `<url><loc>${site.url}/junk/${i}/</loc></url>`).join('');
    site.setRawPage('/sitemap.xml', {
      body: sitemap.replace('</urlset>', `${junk}</urlset>`),
      headers: { 'content-type': 'application/xml' },
    });
    const archive = await tempDir();
    const report = await sync(syncOptions(site.url, archive, { concurrency: 16 }));
    expect(report.failed).toContainEqual({
      url: `${site.url}/sitemap.xml`,
      error: 'the site names more than 10000 new URLs (--max-urls): the rest are not considered this run',
    });
    expect(report.missingUpstream).toBeNull();
    const index = await loadArchive(archive);
    // The site's own URLs come first in its sitemap, so the cap keeps them.
    for (const post of site.posts) expect(index.byUrlPath.has(pathKey(postPath(post))), post.slug).toBe(true);
  }, 120_000);

  it('a post whose 10,000 paragraphs all changed: merged and reported in bounded time', async () => {
    const posts = defaultPosts();
    const long = posts[4]!;
    long.bodyHtml = Array.from({ length: 10_000 }, (_, i) => `<p>Paragraph ${i} as first published.</p>`).join('\n');
    const site = await fixtureSite({ posts });
    const archive = await tempDir();
    await sync(syncOptions(site.url, archive));
    long.bodyHtml = Array.from({ length: 10_000 }, (_, i) => `<p>Paragraph ${i}, edited by the maintainers.</p>`).join(
      '\n',
    );
    long.lastmod = '2026-12-01T00:00:00+00:00';
    site.setPosts(posts);
    const started = Date.now();
    const report = await sync(syncOptions(site.url, archive));
    expect(Date.now() - started).toBeLessThan(20_000);
    const change = report.changes.find((c) => c.url === urlOf(site, long))!;
    expect(
      change,
      JSON.stringify({ updated: report.updated, failed: report.failed, held: report.heldBack }),
    ).toBeDefined();
    expect(change.kind).toBe('updated');
    // One hunk replacing every line: no search for the fewest edits.
    expect(change.patch.match(/^@@ /gm)).toHaveLength(1);
    const index = await loadArchive(archive);
    expect(index.byPath.get(change.path)!.post.body).toContain('Paragraph 9999, edited by the maintainers.');
  }, 60_000);
});
