import { createReadStream } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { WARCParser } from 'warcio';
import { registerExportWarc } from '../src/commands/export-warc.js';
import { blobPath, hashOf } from '../src/raw/blob.js';
import { storedPages } from '../src/raw/reprocess.js';
import { MANIFEST_NAME, openRawStore, rawDir, RawStoreError, type RawMeta } from '../src/raw/store.js';
import { exportWarc, utf8ContentType } from '../src/raw/warc.js';
import { tempDir } from './helpers/tmp.js';

const SITE = 'https://cabforum.org';
const A = `${SITE}/2022/11/03/2022-11-03-minutes-of-the-code-signing-certificate-working-group/`;
const B = `${SITE}/2025/08/26/ballot-sc-089-mass-revocation-planning/`;
const C = `${SITE}/2024/01/15/welcome-to-the-new-ca-browser-forum-website/`;

const page = (title: string) =>
  `<!doctype html><html><head><title>${title} | CA/Browser Forum</title></head><body><h1>${title}</h1><p>“Curly” – text</p></body></html>\n`;

function meta(url: string, extra: Partial<RawMeta> = {}): RawMeta {
  return { status: 200, finalUrl: url, fetchedAt: '2025-11-22T16:59:00.000Z', ...extra };
}

async function blobFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.html.gz'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

describe('raw store', () => {
  it('stores a body gzip-compressed under its SHA-256 and reads it back', async () => {
    const dir = await tempDir();
    const store = await openRawStore(dir);
    const body = page('Minutes');
    const { hash, added } = await store.put(A, body, meta(A, { etag: '"abc"' }));
    expect(added).toBe(true);
    expect(hash).toBe(hashOf(body));
    const file = join(dir, hash.slice(0, 2), `${hash.slice(2)}.html.gz`);
    expect(blobPath(dir, hash)).toBe(file);
    expect(gunzipSync(await readFile(file)).toString('utf8')).toBe(body);
    expect(await store.get(hash)).toBe(body);
    expect(store.entry(A)).toEqual({
      url: A,
      hash,
      status: 200,
      finalUrl: A,
      fetchedAt: '2025-11-22T16:59:00.000Z',
      etag: '"abc"',
    });
  });

  it('adds nothing for a body it already holds, under the same or another URL', async () => {
    const dir = await tempDir();
    const store = await openRawStore(dir);
    await store.put(A, page('Minutes'), meta(A));
    const before = await blobFiles(dir);
    expect((await store.put(A, page('Minutes'), meta(A))).added).toBe(false);
    expect((await store.put(B, page('Minutes'), meta(B))).added).toBe(false);
    expect(await blobFiles(dir)).toEqual(before);
    expect((await store.put(A, page('Minutes, edited'), meta(A))).added).toBe(true);
    expect(await blobFiles(dir)).toHaveLength(2);
  });

  it('counts one body stored by two pages at once as added once', async () => {
    const store = await openRawStore(await tempDir());
    const results = await Promise.all([A, B, C].map((url) => store.put(url, page('Same'), meta(url))));
    expect(results.filter((r) => r.added)).toHaveLength(1);
    expect(new Set(results.map((r) => r.hash)).size).toBe(1);
  });

  it('keeps the manifest across openings, sorted by URL, and drops unknown or undefined facts', async () => {
    const dir = await tempDir();
    const store = await openRawStore(dir);
    await store.put(B, page('B'), { ...meta(B), etag: undefined, lastmod: '2025-01-01' } as RawMeta);
    await store.put(
      A,
      page('A'),
      meta(A, { contentType: 'text/html; charset=utf-8', lastModified: 'Sat, 22 Nov 2025 16:59:00 GMT' }),
    );
    await store.save();
    const text = await readFile(join(dir, MANIFEST_NAME), 'utf8');
    expect(text).not.toContain('lastmod"');
    expect(text).not.toContain('etag');
    const reopened = await openRawStore(dir);
    expect(reopened.entries()).toEqual(store.entries());
    expect(reopened.entries().map((e) => e.url)).toEqual([A, B]);
    // Saving an unchanged store writes the same bytes.
    await reopened.save();
    expect(await readFile(join(dir, MANIFEST_NAME), 'utf8')).toBe(text);
  });

  it('touch refreshes the facts of a stored URL after a 304 and refuses an unknown one', async () => {
    const store = await openRawStore(await tempDir());
    await store.put(A, page('A'), meta(A, { etag: '"1"' }));
    expect(store.touch(A, { fetchedAt: '2025-12-01T00:00:00.000Z', etag: undefined })).toBe(true);
    expect(store.entry(A)).toMatchObject({ fetchedAt: '2025-12-01T00:00:00.000Z', etag: '"1"' });
    expect(store.touch(B, { fetchedAt: '2025-12-01T00:00:00.000Z' })).toBe(false);
  });

  it('uses <archive>/.cabsync/raw unless --raw-dir is given', () => {
    expect(rawDir('/a')).toBe(join('/a', '.cabsync', 'raw'));
    expect(rawDir('/a', '/cache/raw')).toBe('/cache/raw');
  });

  it('names the manifest when it is damaged', async () => {
    const dir = await tempDir();
    const file = join(dir, MANIFEST_NAME);
    for (const text of [
      '{not json',
      '{"version":2,"pages":{}}',
      `{"version":1,"pages":{"${A}":{"hash":"xyz","status":200,"finalUrl":"${A}","fetchedAt":"2025-01-01T00:00:00Z"}}}`,
    ]) {
      await writeFile(file, text);
      const error = await openRawStore(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RawStoreError);
      expect((error as RawStoreError).file).toBe(file);
      expect((error as Error).message).toContain(file);
    }
  });

  it('names the blob when it is missing, not gzip, or not the body its name promises', async () => {
    const dir = await tempDir();
    const store = await openRawStore(dir);
    const { hash } = await store.put(A, page('A'), meta(A));
    const file = blobPath(dir, hash);
    const cases: [Buffer | undefined, RegExp][] = [
      [Buffer.from('garbage'), /damaged blob/],
      [gzipSync(Buffer.from('another body')), /does not match/],
    ];
    for (const [bytes, reason] of cases) {
      await writeFile(file, bytes!);
      const error = await store.get(hash).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RawStoreError);
      expect((error as RawStoreError).file).toBe(file);
      expect((error as Error).message).toMatch(reason);
    }
    const missing = hashOf('never stored');
    await expect(store.get(missing)).rejects.toThrow(/blob is missing/);
    await expect(store.get('../../etc/passwd')).rejects.toThrow(RawStoreError);
  });

  it('lists successful stored pages with lazily read bodies for reprocessing', async () => {
    const store = await openRawStore(await tempDir());
    await store.put(B, page('B'), meta(`${B}`));
    await store.put(A, page('A'), meta(A, { finalUrl: `${A}#moved` }));
    await store.put(C, 'gone', meta(C, { status: 410 }));
    const pages = storedPages(store);
    expect(pages.map((p) => [p.url, p.finalUrl])).toEqual([
      [A, `${A}#moved`],
      [B, B],
    ]);
    expect(await pages[1]!.read()).toBe(page('B'));
  });
});

describe('WARC export', () => {
  async function readWarc(file: string) {
    const records: {
      type: string | undefined;
      uri: string | null | undefined;
      date: string | null | undefined;
      status?: number;
      headers: Record<string, string | null>;
      text: string;
    }[] = [];
    for await (const record of new WARCParser(createReadStream(file))) {
      const status = record.httpHeaders ? Number(record.httpHeaders.statusCode) : undefined;
      const headers = Object.fromEntries(
        ['Content-Type', 'ETag', 'Last-Modified', 'Content-Length'].map((name) => [
          name,
          record.httpHeaders?.headers.get(name) ?? null,
        ]),
      );
      records.push({
        type: record.warcType,
        uri: record.warcTargetURI,
        date: record.warcDate,
        status,
        headers,
        text: await record.contentText(),
      });
    }
    return records;
  }

  it('writes a warcinfo record and one response per stored page, readable by warcio', async () => {
    const dir = await tempDir();
    const store = await openRawStore(join(dir, 'raw'));
    const bodies: Record<string, string> = {
      [A]: page('Minutes – “Code Signing”'),
      [B]: page('Ballot SC-089'),
      [C]: page('Welcome'),
    };
    await store.put(
      A,
      bodies[A]!,
      meta(A, {
        etag: '"5f3a"',
        lastModified: 'Thu, 03 Nov 2022 17:00:00 GMT',
        contentType: 'text/html; charset=iso-8859-1',
      }),
    );
    await store.put(B, bodies[B]!, meta(B, { fetchedAt: '2025-08-26T10:00:00.123Z' }));
    await store.put(`${SITE}/old-alias/`, bodies[C]!, meta(`${SITE}/old-alias/`, { finalUrl: C }));
    await store.put(C, bodies[C]!, meta(C));
    const file = join(dir, 'out', 'cabforum.warc.gz');

    const written = await exportWarc(store, file);

    expect(written).toEqual({ file, responses: 3 });
    const bytes = await readFile(file);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const records = await readWarc(file);
    expect(records[0]!.type).toBe('warcinfo');
    expect(records[0]!.text).toContain('software: cabsync/');
    const responses = records.slice(1);
    expect(responses.map((r) => r.type)).toEqual(['response', 'response', 'response']);
    // URL order; the alias that ended at C with C's body adds no record.
    expect(responses.map((r) => r.uri)).toEqual([A, C, B]);
    for (const record of responses) {
      expect(record.text).toBe(bodies[record.uri!]);
      expect(record.status).toBe(200);
      expect(record.headers['Content-Type']).toBe('text/html; charset=utf-8');
      expect(record.headers['Content-Length']).toBe(String(Buffer.byteLength(record.text)));
    }
    expect(responses[0]).toMatchObject({
      date: '2025-11-22T16:59:00.000Z',
      headers: { ETag: '"5f3a"', 'Last-Modified': 'Thu, 03 Nov 2022 17:00:00 GMT' },
    });
    expect(responses[2]!.date).toBe('2025-08-26T10:00:00.123Z');
  });

  it('says the body is UTF-8 whatever the server declared', () => {
    expect(utf8ContentType(undefined)).toBe('text/html; charset=utf-8');
    expect(utf8ContentType('text/html; charset=windows-1252')).toBe('text/html; charset=utf-8');
    expect(utf8ContentType('application/xhtml+xml')).toBe('application/xhtml+xml; charset=utf-8');
  });

  it('cabsync export-warc reads the store under the archive or --raw-dir', async () => {
    const archive = await tempDir();
    const store = await openRawStore(rawDir(archive));
    await store.put(A, page('A'), meta(A));
    await store.save();
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const run = (args: string[]) => {
        const program = new Command().exitOverride();
        registerExportWarc(program);
        return program.parseAsync(['export-warc', ...args], { from: 'user' });
      };
      await run([join(archive, 'a.warc.gz'), '--archive', archive]);
      expect(out).toHaveBeenCalledWith(`${join(archive, 'a.warc.gz')}: 1 response record\n`);
      await expect(
        run([join(archive, 'b.warc.gz'), '--archive', archive, '--raw-dir', join(archive, 'empty')]),
      ).rejects.toThrow(/no stored pages in .*empty/);
    } finally {
      out.mockRestore();
    }
    expect((await readWarc(join(archive, 'a.warc.gz'))).map((r) => [r.type, r.uri])).toEqual([
      ['warcinfo', null],
      ['response', A],
    ]);
  });
});
