// Random site histories (fast-check): after every change of the site and at most 7 scheduled runs,
// the archive kept by incremental syncs equals a fresh full sync of the site as it now stands (aliases
// may hold more), plus the posts gone upstream, kept and reported; verify clean; exit 0 when healthy.
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromSource, type PostSource } from '../fixtures/site/content.js';
import type { FixtureSite } from '../fixtures/site/types.js';
import { loadArchive } from '../src/archive/load.js';
import { verifyArchive } from '../src/archive/verify.js';
import { reportExitCode, type SyncReport } from '../src/report/report.js';
import { sync } from '../src/sync/sync.js';
import { fixtureSite, syncOptions } from './helpers/site.js';
import { snapshot, tempDir } from './helpers/tmp.js';

type Op =
  | { op: 'retitle'; at: number; alias: boolean }
  | { op: 'redate'; at: number; days: 1 | -1 }
  | { op: 'edit'; at: number; lastmod: boolean }
  | { op: 'retag'; at: number }
  | { op: 'author'; at: number }
  | { op: 'delete'; at: number }
  | { op: 'add'; short: boolean; title: string }
  | { op: 'listing-down' };

const GONE_UPSTREAM_CASE: Op[] = [{ op: 'retitle', at: 2, alias: false }];
const SHORT = 'This ballot was withdrawn.\n';
const long = (n: number): string =>
  Array.from(
    { length: 8 },
    (_, i) => `Item ${i + 1} of meeting ${n}: the members discussed the proposal and its timeline.`,
  ).join('\n\n');

interface Model {
  posts: (PostSource & { id: number })[];
  next: number;
  /** Posts deleted so far: exactly as many files are kept as missing upstream (a retitled post is no deletion). */
  deleted: number;
}

function start(): Model {
  const posts = [0, 1, 2, 3].map((id) => ({
    id,
    title: `Post ${id}: ${id % 2 === 0 ? 'Withdrawn' : 'Minutes'}`,
    date: `2024-05-${String(10 + id * 3).padStart(2, '0')}T09:00:00+00:00`,
    author: 'Ann Author',
    tags: ['Ballot'],
    markdown: id % 2 === 0 ? SHORT : long(id),
    aliases: [] as string[],
  }));
  return { posts, next: 4, deleted: 0 };
}

function permalink(post: PostSource): string {
  return fromSource(post) && `/${post.date.slice(0, 10).replaceAll('-', '/')}/${fromSource(post).slug}/`;
}

/** Applies one operation to the model (no-op when it names no post); returns whether it was a fault. */
function apply(model: Model, op: Op): boolean {
  const post = 'at' in op && model.posts.length > 0 ? model.posts[op.at % model.posts.length]! : undefined;
  switch (op.op) {
    case 'retitle':
      if (post) {
        if (op.alias) post.aliases = [...(post.aliases ?? []), permalink(post)];
        post.title = `${post.title} (revised ${model.next++})`;
      }
      return false;
    case 'redate':
      if (post) {
        const date = new Date(post.date);
        date.setUTCDate(date.getUTCDate() + op.days);
        const moved = { ...post, date: date.toISOString().replace('.000Z', '+00:00') };
        // Two posts of one title on one day share a permalink: Hugo publishes one of them, so the other is
        // gone upstream without being deleted. No such history: the redate is left out.
        if (model.posts.some((other) => other !== post && permalink(other) === permalink(moved))) return false;
        post.date = moved.date;
      }
      return false;
    case 'edit':
      if (post) {
        post.markdown = `${post.markdown}\nEdit ${model.next++}: a note added later.\n`;
        if (op.lastmod) post.lastmod = `2024-09-${String((model.next % 27) + 1).padStart(2, '0')}T00:00:00+00:00`;
      }
      return false;
    case 'retag':
      if (post) post.tags = [...post.tags.filter((t) => t !== 'Ballot'), `Topic ${model.next++}`];
      return false;
    case 'author':
      if (post) post.author = `Author ${model.next++}`;
      return false;
    case 'delete':
      if (post && model.posts.length > 1) {
        model.posts.splice(model.posts.indexOf(post), 1);
        model.deleted += 1;
      }
      return false;
    case 'add': {
      const id = model.next++;
      model.posts.push({
        id,
        title: op.title,
        date: `2024-06-${String((id % 27) + 1).padStart(2, '0')}T09:00:00+00:00`,
        author: 'Bea Writer',
        tags: ['Ballot'],
        // Its own words: a post deleted and another of the same title and words a day later is, on the site,
        // that post moved a day, and the archive renames it (found by the property; kept in FOUND).
        markdown: op.short ? `This ballot was withdrawn (${id}).\n` : long(id),
        aliases: [],
      });
      return false;
    }
    case 'listing-down':
      return true;
  }
}

const ops: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('retitle' as const), at: fc.nat(9), alias: fc.boolean() }),
  fc.record({ op: fc.constant('redate' as const), at: fc.nat(9), days: fc.constantFrom(1 as const, -1 as const) }),
  fc.record({ op: fc.constant('edit' as const), at: fc.nat(9), lastmod: fc.boolean() }),
  fc.record({ op: fc.constant('retag' as const), at: fc.nat(9) }),
  fc.record({ op: fc.constant('author' as const), at: fc.nat(9) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(9) }),
  fc.record({
    op: fc.constant('add' as const),
    short: fc.boolean(),
    title: fc.constantFrom('S/MIME Minutes', 'Ballot A & B', 'Note: Update', 'Ballot SC-1/2'),
  }),
  fc.constant({ op: 'listing-down' as const }),
);

async function postsOf(archive: string): Promise<Map<string, string>> {
  return new Map([...(await snapshot(join(archive, 'posts')))].map(([path, text]) => [`posts/${path}`, text]));
}

const withoutAliases = (text: string): string => text.replace(/^aliases:\n(- .*\n)+/m, '');

/** The invariant: the incremental archive is the fresh one plus the posts reported missing upstream. */
async function differences(
  incremental: string,
  site: FixtureSite,
  report: SyncReport,
  deleted: number,
): Promise<string[]> {
  const freshDir = await tempDir();
  const fresh = await postsOf(freshDir).then(async () => {
    const r = await sync(syncOptions(site.url, freshDir, { full: true }));
    if (r.failed.length > 0) throw new Error(`fresh sync failed: ${JSON.stringify(r.failed)}`);
    return postsOf(freshDir);
  });
  const kept = await postsOf(incremental);
  const missing = new Set(report.missingUpstream ?? []);
  const problems: string[] = [];
  for (const [path, text] of fresh) {
    const mine = kept.get(path);
    if (mine === undefined) problems.push(`missing in the incremental archive: ${path}`);
    else if (withoutAliases(mine) !== withoutAliases(text))
      problems.push(`differs: ${path}\n--- incremental\n${mine}\n--- fresh\n${text}`);
  }
  for (const path of kept.keys())
    if (!fresh.has(path) && !missing.has(path))
      problems.push(`extra in the incremental archive, not reported missing upstream: ${path}`);
  for (const path of missing) if (fresh.has(path)) problems.push(`reported missing upstream but on the site: ${path}`);
  if (missing.size !== deleted)
    problems.push(`${missing.size} posts missing upstream, but ${deleted} were deleted: ${[...missing].join(', ')}`);
  const verify = verifyArchive(await loadArchive(incremental, { cache: false }));
  for (const problem of verify) problems.push(`verify: ${JSON.stringify(problem)}`);
  return problems;
}

/** Runs one history; resolves to the first broken invariant, or undefined. */
async function runHistory(history: Op[]): Promise<string | undefined> {
  const model = start();
  const site = await fixtureSite({ posts: model.posts.map(fromSource) });
  const archive = await tempDir();
  await sync(syncOptions(site.url, archive));
  for (const [step, op] of history.entries()) {
    const fault = apply(model, op);
    site.setPosts(model.posts.map(fromSource));
    if (fault) {
      site.setFaults([{ path: '/posts/', kind: '503' }]);
      const down = await sync(syncOptions(site.url, archive));
      if (down.missingUpstream !== null)
        return `step ${step} (${op.op}): missing upstream computed during a listing outage`;
      site.setFaults([]);
    }
    let report: SyncReport | undefined;
    let problems: string[] = [];
    for (let run = 0; run < 7; run++) {
      report = await sync(syncOptions(site.url, archive));
      if (reportExitCode(report) !== 0)
        return `step ${step} (${op.op}): exit ${reportExitCode(report)}: ${JSON.stringify(report.failed)}`;
      problems = await differences(archive, site, report, model.deleted);
      if (problems.length === 0) break;
    }
    if (problems.length > 0) return `after step ${step} (${JSON.stringify(op)}) and 7 runs:\n${problems.join('\n')}`;
    // No churn: one more run with nothing changed writes nothing.
    const quiet = await sync(syncOptions(site.url, archive));
    if (quiet.changes.length > 0)
      return `step ${step} (${op.op}): a run with no change wrote ${JSON.stringify(quiet.changes.map((c) => c.path))}`;
  }
  return undefined;
}

describe('random site histories', () => {
  // Minimal histories the property found against broken variants of the sync (renames off, matching
  // of posts gone upstream off, revalidation off), kept as fixed cases; plus two interactions picked by hand.
  const FOUND: Op[][] = [
    [{ op: 'retitle', at: 0, alias: false }],
    [{ op: 'retag', at: 6 }],
    GONE_UPSTREAM_CASE,
    [
      { op: 'retitle', at: 0, alias: false },
      { op: 'redate', at: 0, days: 1 },
    ],
    [{ op: 'listing-down' }, { op: 'author', at: 1 }],
    [
      { op: 'add', short: true, title: 'Ballot A & B' },
      { op: 'delete', at: 9 },
      { op: 'add', short: true, title: 'Ballot A & B' },
    ],
    // Found by the property itself: a redate undone (the old URL's validators must not answer for the
    // moved file), and a redate onto the day of a post with the same title (see apply).
    [
      { op: 'redate', at: 5, days: 1 },
      { op: 'redate', at: 5, days: -1 },
    ],
    [
      { op: 'add', short: false, title: 'S/MIME Minutes' },
      { op: 'add', short: false, title: 'S/MIME Minutes' },
      { op: 'redate', at: 4, days: 1 },
    ],
  ];
  it.each(FOUND.map((history) => [JSON.stringify(history), history] as const))(
    'keeps the invariant: %s',
    async (_, history) => {
      expect(await runHistory(history)).toBeUndefined();
    },
    60_000,
  );

  it('incremental syncs equal a fresh sync after any history of changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ops, { minLength: 1, maxLength: 4 }), async (history) => {
        const broken = await runHistory(history);
        if (broken) throw new Error(broken);
      }),
      { numRuns: Number(process.env.HISTORY_RUNS ?? 12) },
    );
  }, 240_000);
});
