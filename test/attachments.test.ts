// --attachments against the real Hugo build: page-bundle files and /uploads/ mirrored byte for byte,
// a broken link and a file over the cap as warnings, conditional re-checks, verify, files gone upstream.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WARCParser } from 'warcio';
import { fileLinks } from '../src/attachments/links.js';
import { syncAttachments } from '../src/attachments/attachments.js';
import { fileTypeOf, judgeContentType, FILE_TYPES } from '../src/attachments/file-types.js';
import { attachmentPath } from '../src/attachments/paths.js';
import { parseSize } from '../src/attachments/size.js';
import {
  AttachmentManifestError,
  parseAttachmentManifest,
  type AttachmentManifest,
} from '../src/attachments/manifest.js';
import { resolveInArchive } from '../src/write/write-post.js';
import { fetchUrls, sync } from '../src/sync/sync.js';
import { reportExitCode } from '../src/report/report.js';
import { formatSummary } from '../src/report/summary.js';
import { UsageError } from '../src/errors.js';
import { fixtureSite, siteFetcher, syncOptions, FAST_FETCH } from './helpers/site.js';
import { tempDir } from './helpers/tmp.js';
import { runCli } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('../fixtures/hugo/public/', import.meta.url));
const SITE = new URL('https://cabforum.org');
const POST = 'https://cabforum.org/2023/03/17/ballot-sc-062v2-certificate-profiles-update/';
const BUNDLE = '/2023/03/17/ballot-sc-062v2-certificate-profiles-update';
const F2F48 = 'posts/2019/2019-10-22-minutes-of-f2f-meeting-48-shanghai.md';
/** Every reachable file the Hugo site's posts link (big-slides.pdf is over the cap the tests set). */
const REACHABLE = [
  `${BUNDLE}/BR-redlined.pdf`,
  `${BUNDLE}/SC-062-changes.docx`,
  '/uploads/CA-Browser-Forum-BR-v2.0.0.pdf',
  '/uploads/CABF-F2F-48-Agenda.pdf',
  '/uploads/F2F-48-attendance.txt',
  '/uploads/F2F-48-seating.png',
];
const CAP = 100 * 1024;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const readManifest = async (archive: string) =>
  JSON.parse(await readFile(join(archive, 'files/manifest.json'), 'utf8')) as AttachmentManifest;
/** The bytes the site serves at a path, as a plain client gets them. */
const served = async (site: string, path: string) =>
  Buffer.from(await (await fetch(`${site}${path}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());

describe('finding file links (pure)', () => {
  it('finds same-host files in every link form, resolving relative links against the post', () => {
    const body = [
      '- [BR-redlined.pdf](https://cabforum.org/2023/03/17/x/BR-redlined.pdf) – inline',
      '- ![plan](/uploads/seating.PNG "Seating") and [rel](SC-062-changes.docx)',
      '- <https://www.cabforum.org/uploads/auto.pdf>, bare http://cabforum.org/uploads/bare.pdf.',
      '- [ref]: https://cabforum.org/uploads/ref.xlsx',
      '<table><tr><td><a href="/uploads/in-table.csv">csv</a></td></tr></table>',
      '- [parens](/uploads/BR_\\(v2\\).pdf) [escaped](https://cabforum.org/uploads/a\\_b.pdf)',
    ].join('\n');
    expect(fileLinks(body, POST, SITE)).toEqual([
      'https://cabforum.org/2023/03/17/ballot-sc-062v2-certificate-profiles-update/SC-062-changes.docx',
      'https://cabforum.org/2023/03/17/x/BR-redlined.pdf',
      'https://cabforum.org/uploads/BR_(v2).pdf',
      'https://cabforum.org/uploads/a_b.pdf',
      'https://cabforum.org/uploads/auto.pdf',
      'https://cabforum.org/uploads/bare.pdf',
      'https://cabforum.org/uploads/in-table.csv',
      'https://cabforum.org/uploads/ref.xlsx',
      'https://cabforum.org/uploads/seating.PNG',
    ]);
  });

  it('leaves out other hosts, pages, unknown extensions, queries and code', () => {
    const body = [
      '[gh](https://github.com/cabforum/servercert/raw/main/BR.pdf) [lists](https://lists.cabforum.org/x.pdf)',
      '[post](https://cabforum.org/2024/05/06/welcome-to-the-new-website/) [feed](https://cabforum.org/posts/index.xml)',
      '[exe](https://cabforum.org/uploads/tool.exe) [query](https://cabforum.org/download.pdf?id=3) [mail](mailto:x@cabforum.org)',
      '`https://cabforum.org/uploads/in-code-span.pdf`',
      '```',
      'https://cabforum.org/uploads/in-fence.pdf',
      '```',
    ].join('\n');
    expect(fileLinks(body, POST, SITE)).toEqual([]);
  });
});

describe('the file-type table', () => {
  it('names a type by extension and checks the response Content-Type against it', () => {
    for (const ext of [
      'pdf',
      'doc',
      'docx',
      'xls',
      'xlsx',
      'ppt',
      'pptx',
      'odt',
      'txt',
      'csv',
      'zip',
      'png',
      'jpg',
      'jpeg',
      'gif',
      'svg',
    ]) {
      expect(fileTypeOf(`/uploads/a.${ext.toUpperCase()}`), ext).toBeDefined();
    }
    expect(FILE_TYPES.flatMap((t) => t.extensions)).not.toContain('html');
    expect(fileTypeOf('/2023/03/17/version-1.3-of-the-ev-guidelines/')).toBeUndefined();
    expect(fileTypeOf('/sitemap.xml')).toBeUndefined();
    const pdf = fileTypeOf('/x.pdf')!;
    expect(judgeContentType(pdf, 'application/pdf')).toBeUndefined();
    expect(judgeContentType(pdf, 'application/octet-stream')).toBeUndefined();
    expect(judgeContentType(pdf, undefined)).toBeUndefined();
    expect(judgeContentType(pdf, 'text/html; charset=utf-8')).toMatch(/answered with a page \(text\/html\), not a PDF/);
    expect(judgeContentType(pdf, 'image/png')).toBe('served as image/png, not a PDF');
    expect(judgeContentType(fileTypeOf('/a.csv')!, 'text/plain; charset=utf-8')).toBeUndefined();
  });
});

describe('attachment paths (pure)', () => {
  it('keeps the site path, decoded, under files/', () => {
    expect(attachmentPath('https://cabforum.org/uploads/X.pdf')).toEqual({ ok: true, path: 'files/uploads/X.pdf' });
    expect(attachmentPath('https://cabforum.org/2024/04/11/r%C3%A9union-ballot/BR%20v2.pdf')).toEqual({
      ok: true,
      path: 'files/2024/04/11/réunion-ballot/BR v2.pdf',
    });
  });

  it('never leaves files/, whatever the URL tries', () => {
    const archive = '/srv/archive';
    // The URL parser resolves dot segments, encoded or not; an encoded slash stays text inside one name.
    for (const url of [
      'https://cabforum.org/uploads/../../../etc/passwd.pdf',
      'https://cabforum.org/uploads/%2e%2e/%2E%2E/x.pdf',
      'https://cabforum.org/uploads/..%2F..%2Fescape.pdf',
    ]) {
      const result = attachmentPath(url);
      expect(result.ok, url).toBe(true);
      if (result.ok) expect(resolveInArchive(archive, result.path).startsWith(`${archive}/files/`), url).toBe(true);
    }
    expect(attachmentPath('https://cabforum.org/uploads/..%2F..%2Fescape.pdf')).toEqual({
      ok: true,
      path: 'files/uploads/..%2F..%2Fescape.pdf',
    });
    expect(attachmentPath('https://cabforum.org/uploads/..%5C..%5Cwin.pdf')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('backslash'),
    });
    // Found in a post, an encoded backslash stays in the URL (never fetched as a/b.pdf), and is refused here.
    expect(fileLinks('[x](https://cabforum.org/uploads/a%5Cb.pdf)', POST, SITE)).toEqual([
      'https://cabforum.org/uploads/a%5Cb.pdf',
    ]);
    expect(attachmentPath('https://cabforum.org/uploads/a%5Cb.pdf')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('backslash'),
    });
    expect(attachmentPath('https://cabforum.org/uploads/nul%00.pdf')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('control character'),
    });
    expect(attachmentPath('https://cabforum.org/uploads//x.pdf')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('empty path segment'),
    });
    expect(attachmentPath('https://cabforum.org/manifest.json')).toMatchObject({ ok: false });
  });

  it('reads --max-attachment-size with or without a suffix, naming the flag when wrong', () => {
    expect(parseSize('--max-attachment-size', '102400')).toBe(102400);
    expect(parseSize('--max-attachment-size', '100KB')).toBe(102400);
    expect(parseSize('--max-attachment-size', '50MB')).toBe(50 * 1024 * 1024);
    expect(parseSize('--max-attachment-size', '1.5 GiB')).toBe(1.5 * 1024 ** 3);
    expect(() => parseSize('--max-attachment-size', 'lots')).toThrow(UsageError);
    expect(() => parseSize('--max-attachment-size', '0')).toThrow(/--max-attachment-size/);
  });

  it('refuses a manifest whose path does not follow its URL, naming the file', () => {
    const record = {
      path: 'files/../../etc/passwd',
      sha256: 'a'.repeat(64),
      size: 1,
      fetchedAt: '2025-01-01T00:00:00Z',
      linkedFrom: [],
    };
    const text = JSON.stringify({
      version: 1,
      site: 'https://cabforum.org',
      files: { 'https://cabforum.org/uploads/x.pdf': record },
    });
    expect(() => parseAttachmentManifest('/a/files/manifest.json', text)).toThrow(AttachmentManifestError);
    expect(() => parseAttachmentManifest('/a/files/manifest.json', text)).toThrow(
      /\/a\/files\/manifest\.json: entry for .*x\.pdf: "path" is not "files\/uploads\/x\.pdf"/,
    );
  });
});

describe('--attachments against the Hugo-built site', () => {
  it('mirrors every reachable file byte for byte, warns about the broken and the oversize, and re-checks conditionally', async () => {
    const site = await fixtureSite({ root: ROOT });
    const archive = await tempDir();
    const options = syncOptions(site.url, archive, { attachments: true, maxAttachmentBytes: CAP });
    const first = await sync(options);
    expect(first.failed).toEqual([]);
    expect(reportExitCode(first)).toBe(0);
    const files = first.attachments!;
    expect(files.added).toEqual(REACHABLE.map((path) => `files${path}`).sort());
    expect(files.failed).toEqual([]);
    expect(files.warnings.map((w) => [w.kind, w.url, w.posts])).toEqual([
      ['broken-link', `${site.url}/uploads/CABF-F2F-47-Minutes.pdf`, [F2F48]],
      ['too-large', `${site.url}/uploads/big-slides.pdf`, [F2F48]],
    ]);
    expect(files.warnings[0]!.message).toContain(F2F48);
    expect(files.warnings[1]!.message).toMatch(/307884 bytes, over --max-attachment-size 102400/);
    await expect(stat(join(archive, 'files/uploads/big-slides.pdf'))).rejects.toThrow();
    const summary = formatSummary(first);
    expect(summary).toContain('attachments: 8 linked, 6 added');
    expect(summary).toContain('### Attachment warnings');

    // Exactly the served bytes, at the site's path; the fixture's own files are those bytes too.
    const manifest = await readManifest(archive);
    expect(Object.keys(manifest.files)).toEqual(REACHABLE.map((path) => `${site.url}${path}`).sort());
    for (const path of REACHABLE) {
      const bytes = await readFile(join(archive, 'files', path));
      expect(bytes.equals(await served(site.url, path)), path).toBe(true);
      if (!path.endsWith('.txt')) expect(bytes.equals(await readFile(join(ROOT, path))), path).toBe(true);
      const record = manifest.files[`${site.url}${path}`]!;
      expect(record).toMatchObject({
        path: `files${path}`,
        sha256: sha256(bytes),
        size: bytes.length,
        etag: expect.stringMatching(/^"/),
        lastModified: expect.stringMatching(/GMT$/),
      });
      expect(Date.parse(record.fetchedAt)).not.toBeNaN();
    }
    expect(manifest.files[`${site.url}${BUNDLE}/SC-062-changes.docx`]).toMatchObject({
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      linkedFrom: ['posts/2023/2023-03-17-ballot-sc-062v2-certificate-profiles-update.md'],
    });
    expect(manifest.files[`${site.url}/uploads/F2F-48-seating.png`]!.linkedFrom).toEqual([F2F48]);
    // The Markdown keeps the site's URLs.
    expect(await readFile(join(archive, F2F48), 'utf8')).toContain(`(${site.url}/uploads/F2F-48-seating.png)`);

    // A second sync asks "changed since?" for each file held, and downloads none of them.
    const manifestBytes = await readFile(join(archive, 'files/manifest.json'), 'utf8');
    const before = site.log.length;
    const second = await sync(options);
    expect(reportExitCode(second)).toBe(0);
    const held = site.log.slice(before).filter((e) => REACHABLE.includes(decodeURIComponent(e.path)));
    expect(held.map((e) => decodeURIComponent(e.path)).sort()).toEqual([...REACHABLE].sort());
    for (const entry of held)
      expect([entry.path, entry.status, entry.bytes, entry.ifNoneMatch !== undefined]).toEqual([
        entry.path,
        304,
        0,
        true,
      ]);
    expect(second.attachments).toMatchObject({ added: [], changed: [], unchanged: 6, missingUpstream: [] });
    expect(await readFile(join(archive, 'files/manifest.json'), 'utf8')).toBe(manifestBytes);

    // verify: clean, then a file changed on disk (same size), one deleted, one nobody mirrored.
    expect((await runCli(['verify', '--archive', archive])).code).toBe(0);
    const pdf = join(archive, 'files/uploads/CA-Browser-Forum-BR-v2.0.0.pdf');
    const bytes = await readFile(pdf);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 2) ^ 0xff, bytes.length - 2);
    await writeFile(pdf, bytes);
    await rm(join(archive, 'files/uploads/F2F-48-seating.png'));
    await writeFile(join(archive, 'files/uploads/stray.pdf'), 'x');
    const verified = await runCli(['verify', '--archive', archive]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(
      "attachment files/uploads/CA-Browser-Forum-BR-v2.0.0.pdf: changed on disk: its SHA-256 is not the manifest's",
    );
    expect(verified.stdout).toContain('attachment files/uploads/F2F-48-seating.png: missing');
    expect(verified.stdout).toContain('attachment files/uploads/stray.pdf: no manifest entry');
  }, 60_000);

  it('keeps a file removed upstream and reports it missing; takes a changed file; follows one post with fetch', async () => {
    const site = await fixtureSite({ root: ROOT });
    const archive = await tempDir();
    const options = syncOptions(site.url, archive, { attachments: true, maxAttachmentBytes: CAP });
    await sync(options);
    const agenda = '/uploads/CABF-F2F-48-Agenda.pdf';
    const original = await readFile(join(archive, 'files', agenda));
    site.setRawPage(agenda, { status: 404, body: '' });
    site.setRawPage('/uploads/F2F-48-seating.png', {
      body: Buffer.from('a new plan'),
      headers: { 'content-type': 'image/png' },
    });
    const gone = await sync(options);
    expect(reportExitCode(gone)).toBe(0);
    expect(gone.attachments).toMatchObject({
      missingUpstream: [`files${agenda}`],
      changed: ['files/uploads/F2F-48-seating.png'],
    });
    expect((await readFile(join(archive, 'files', agenda))).equals(original)).toBe(true);
    expect((await readManifest(archive)).files[`${site.url}${agenda}`]!.missingUpstream).toMatch(/^\d{4}-/);
    expect(await readFile(join(archive, 'files/uploads/F2F-48-seating.png'), 'utf8')).toBe('a new plan');
    expect(formatSummary(gone)).toContain('### Attachments missing upstream (kept)');

    // fetch URL --attachments: only that post's files, on a fresh archive.
    const other = await tempDir();
    const report = await fetchUrls([`${site.url}${BUNDLE}/`], syncOptions(site.url, other, { attachments: true }));
    expect(report.attachments!.added).toEqual([`files${BUNDLE}/BR-redlined.pdf`, `files${BUNDLE}/SC-062-changes.docx`]);

    // export-warc carries the files as served.
    const warc = join(await tempDir(), 'a.warc.gz');
    expect((await runCli(['export-warc', warc, '--archive', other])).code).toBe(0);
    const bodies = new Map<string, Buffer>();
    for await (const record of new WARCParser(createReadStream(warc))) {
      if (record.warcType === 'response') bodies.set(record.warcTargetURI!, Buffer.from(await record.readFully()));
    }
    expect(
      bodies.get(`${site.url}${BUNDLE}/BR-redlined.pdf`)?.equals(await readFile(join(ROOT, BUNDLE, 'BR-redlined.pdf'))),
    ).toBe(true);
  }, 60_000);

  it('requests no file and writes nothing in a dry run, and says what it would fetch', async () => {
    const site = await fixtureSite({ root: ROOT });
    const archive = await tempDir();
    const report = await sync(syncOptions(site.url, archive, { attachments: true, dryRun: true }));
    expect(site.log.filter((e) => e.path.startsWith('/uploads/') || /\.(pdf|docx)$/.test(e.path))).toEqual([]);
    expect(report.attachments!.added).toHaveLength(8);
    expect(report.attachments!.note).toMatch(/dry run/);
    await expect(stat(join(archive, 'files'))).rejects.toThrow();
  });

  it('keeps the links of posts outside a fetch when it relinks the posts inside', async () => {
    const site = await fixtureSite({ root: ROOT });
    const archive = await tempDir();
    const fetcher = siteFetcher(site, { userAgent: 'cabsync-test', ...FAST_FETCH });
    const agenda = `${site.url}/uploads/CABF-F2F-48-Agenda.pdf`;
    const post = (path: string, body: string) => ({ path, body, url: `${site.url}/2024/01/02/p/` });
    const run = (posts: ReturnType<typeof post>[], scope: 'all' | 'some') =>
      syncAttachments({ archive, site: new URL(site.url), fetcher, maxBytes: CAP, dryRun: false, posts, scope });
    const linking = `[agenda](${agenda})`;
    await run([post('posts/a.md', linking), post('posts/b.md', linking)], 'all');
    expect((await readManifest(archive)).files[agenda]!.linkedFrom).toEqual(['posts/a.md', 'posts/b.md']);
    await run([post('posts/b.md', linking)], 'some');
    expect((await readManifest(archive)).files[agenda]!.linkedFrom).toEqual(['posts/a.md', 'posts/b.md']);
    await run([post('posts/b.md', 'no link any more')], 'some');
    expect((await readManifest(archive)).files[agenda]!.linkedFrom).toEqual(['posts/a.md']);
  });

  it('cuts off a file streamed past the cap with no Content-Length', async () => {
    const site = await fixtureSite({
      root: ROOT,
      faults: [{ path: '/uploads/huge.pdf', kind: 'oversize', bytes: 5_000_000 }],
    });
    const fetcher = siteFetcher(site, { userAgent: 'cabsync-test', ...FAST_FETCH });
    const result = await fetcher.getFile(`${site.url}/uploads/huge.pdf`, undefined, { maxBytes: 200_000 });
    expect(result).toMatchObject({ ok: false, tooLarge: { limit: 200_000 } });
    expect(await fetcher.get(`${site.url}/uploads/CABF-F2F-48-Agenda.pdf`)).toMatchObject({ ok: false, refused: true });
  });
});
