import { describe, expect, it } from 'vitest';
import type { ArchiveEntry } from '../src/archive/load.js';
import type { CrawlState } from '../src/fetch/state.js';
import { newReport } from '../src/report/report.js';
import { createLedger, type Progress } from '../src/sync/ledger.js';
import { failed, type FetchFacts } from '../src/sync/outcome.js';

const SITE = 'https://cabforum.org';
const POST = `${SITE}/2022/11/03/a/`;
const ARCHIVED: ArchiveEntry = {
  path: 'posts/2022/2022-11-03-a.md',
  day: '2022-11-03',
  title: 'A',
  post: { frontMatter: { title: 'A' }, body: '' },
};

function ledger(state: CrawlState = { version: 1, urls: {} }) {
  const report = newReport({
    id: 'x',
    site: SITE,
    archive: '/a',
    command: 'sync',
    dryRun: false,
    startedAt: '',
    malformed: [],
    strictHealth: false,
  });
  const progress: Progress[] = [];
  const archived = new Map([[POST, ARCHIVED]]);
  const it = createLedger({
    report,
    state,
    archivedAt: (url) => archived.get(url),
    textOf: () => '',
    onProgress: (p) => progress.push({ ...p }),
  });
  return { it, report, state, progress };
}

function facts(url: string, extra: Partial<FetchFacts> = {}): FetchFacts {
  const response = { ok: true as const, url, finalUrl: url, status: 200, notModified: false, etag: '"1"', bytes: 10 };
  return { response, at: new Date('2026-01-01T00:00:00Z'), hints: {}, ...extra };
}

describe('the ledger', () => {
  it('records a failure in the report, the progress and the presence set', () => {
    const { it: l, report, progress } = ledger();
    l.record(POST, failed('HTTP 500'));
    expect(report.failed).toEqual([{ url: POST, error: 'HTTP 500' }]);
    expect(report.urls[POST]).toEqual({ outcome: 'failed', reason: 'HTTP 500' });
    expect(progress.at(-1)).toMatchObject({ failed: 1 });
    expect([...l.present]).toEqual([ARCHIVED.path]);
  });

  it('settles every URL still without an outcome as failed, and leaves the others', () => {
    const { it: l, report } = ledger();
    l.record(POST, { kind: 'unchanged', path: ARCHIVED.path });
    l.settle([POST, `${SITE}/b/`, `${SITE}/c/`], 'not processed: the run stopped (run deadline passed)');
    expect(report.failed.map((f) => f.url)).toEqual([`${SITE}/b/`, `${SITE}/c/`]);
    expect(report.urls[POST]).toEqual({ outcome: 'unchanged', path: ARCHIVED.path });
    expect(report.unchanged).toBe(1);
  });

  it('remembers a page judged no post with its validators, and counts it apart', () => {
    const { it: l, report, state } = ledger();
    const url = `${SITE}/about/`;
    l.record(url, { kind: 'not-post', reason: 'not a post page (x)', fetched: facts(url) });
    expect(l.notPosts).toBe(1);
    expect(report.skipped).toEqual([{ url, reason: 'not a post page (x)' }]);
    expect(state.urls[url]).toMatchObject({ notPost: 'not a post page (x)', etag: '"1"', status: 200 });
  });

  it('keeps no validators for a page that failed after its fetch: the next run asks again', () => {
    const { it: l, state, progress } = ledger();
    l.record(POST, { kind: 'failed', reason: 'convert: boom', fetched: facts(POST, { probed: [] }) });
    expect(state.urls[POST]?.etag).toBeUndefined();
    expect(progress.at(-1)).toMatchObject({ fetched: 1, failed: 1 });
  });

  it('records an alias page as merged into its post, and a vanished alias URL as gone', () => {
    const { it: l, report, state } = ledger();
    const alias = `${SITE}/old-a/`;
    l.record(alias, {
      kind: 'alias-archived',
      target: POST,
      path: ARCHIVED.path,
      fetched: facts(alias, { vanished: true }),
    });
    expect(report.merged).toEqual({ [alias]: ARCHIVED.path });
    expect(report.mergedBy).toEqual({ [alias]: 'alias' });
    expect(report.urls[alias]).toEqual({ outcome: 'archived', path: ARCHIVED.path, reason: `alias of ${POST}` });
    expect(state.urls[alias]).toMatchObject({ path: ARCHIVED.path, gone: `redirects to ${ARCHIVED.path}` });
  });

  it('records discovery: the count, failed sources, and URLs passed over without marking their post present', () => {
    const { it: l, report, progress } = ledger();
    l.discovery({
      posts: [1, 2, 3],
      failed: [{ url: `${SITE}/sitemap.xml`, error: 'HTTP 503' }],
      skipped: [{ url: POST, reason: 'taxonomy page' }],
    });
    expect(progress.at(-1)).toMatchObject({ discovered: 3 });
    expect(report.failed).toEqual([{ url: `${SITE}/sitemap.xml`, error: 'HTTP 503' }]);
    expect(report.urls[POST]).toEqual({ outcome: 'skipped', reason: 'taxonomy page' });
    expect(l.present.size).toBe(0);
  });

  it('lets each URL through the pipeline once', () => {
    const { it: l } = ledger();
    expect(l.claim(POST)).toBe(true);
    expect(l.claim(POST)).toBe(false);
  });
});
