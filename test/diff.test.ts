import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTwoFilesPatch } from 'diff';
import { bodyPatch, wholeReplacement } from '../src/report/changes.js';
import { formatDiffMarkdown, formatDiffText, viewOfReport, viewSinceRevision } from '../src/report/diff.js';
import type { SyncReport } from '../src/report/report.js';
import { tempDir } from './helpers/tmp.js';

const run = promisify(execFile);

// `cabsync diff --git REV` against a real git repository in a temp folder.

/** An archive file as the tool writes it. */
function post(title: string, date: string, body: string, aliases: string[] = [], tags: string[] = []): string {
  const list = (key: string, items: string[]) =>
    items.length > 0 ? `${key}:\n${items.map((i) => `- ${i}`).join('\n')}\n` : '';
  return `---\n${list('aliases', aliases)}author: Corey Bonnell\ndate: ${date}\n${list('tags', tags)}title: ${title}\ntype: post\n---\n\n${body}\n`;
}

const BODY_B =
  'Attendees: Bruce Morton, Corey Bonnell.\n\n## Minutes\n\nThe group discussed ballot CSC-17 at length.\n';
const BODY_D = 'Ballot SC-99 passed.\n\nVote: 20 yes, 0 no.\n';
const BODY_E = 'A statement on certificate transparency, long enough to be itself.\n';

/** A repository whose archive lives in `archive/` (so paths from the top differ from archive paths), one commit made. */
async function repository(): Promise<{
  top: string;
  archive: string;
  git: (...args: string[]) => Promise<string>;
  write: (path: string, text: string) => Promise<void>;
}> {
  const top = await tempDir('cabsync-diff-');
  const archive = join(top, 'archive');
  const git = async (...args: string[]) =>
    (
      await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'commit.gpgsign=false', ...args], {
        cwd: top,
      })
    ).stdout;
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(archive, path)), { recursive: true });
    await writeFile(join(archive, path), text);
  };
  await git('init', '-q', '-b', 'main');
  await write('posts/2022/2022-11-03-a.md', post('A', '2022-11-03 17:00:00', 'Old body of A.\n', ['/2022-11-03-a/']));
  await write('posts/2022/2022-11-17-b.md', post('B', '2022-11-17 17:00:00', BODY_B, ['/2022-11-17-b/'], ['Minutes']));
  await write(
    'posts/2021/2021-10-07-c.md',
    post('C', '2021-10-07 17:00:00', 'C is removed upstream.\n', ['/2021-10-07-c/'], ['Ballots']),
  );
  await write('posts/2022/2022-09-22-d.md', post('D', '2022-09-22 17:00:00', BODY_D, ['/2022-09-22-d/']));
  await write('posts/2014/2014-09-23-e.md', post('E', '2014-09-23 17:00:00', BODY_E));
  await write('notes.txt', 'not a post\n');
  await git('add', '--', 'archive');
  await git('commit', '-q', '-m', 'archive');
  return { top, archive, git, write };
}

/** Every kind of change at once, none committed; the view of `HEAD` against it. */
async function everyChange() {
  const { archive, git, write } = await repository();
  // A new post a sync wrote, never `git add`ed.
  await write('posts/2023/2023-01-05-new.md', post('New', '2023-01-05 17:00:00', 'Brand new.\n', [], ['Minutes']));
  // B retitled and renamed, staged (git sees the rename).
  await git('mv', 'archive/posts/2022/2022-11-17-b.md', 'archive/posts/2022/2022-11-17-b-retitled.md');
  await write(
    'posts/2022/2022-11-17-b-retitled.md',
    post('B retitled', '2022-11-17 17:00:00', BODY_B.replace('at length', 'briefly'), ['/2022-11-17-b/'], ['Minutes']),
  );
  // D re-dated and renamed on disk only: its old file is deleted, its new one untracked; they share an alias.
  await rename(join(archive, 'posts/2022/2022-09-22-d.md'), join(archive, 'posts/2022/2022-09-23-d.md'));
  await write('posts/2022/2022-09-23-d.md', post('D', '2022-09-23 17:00:00', BODY_D, ['/2022-09-22-d/']));
  // E retitled on disk only, with no alias to share: the same body pairs it.
  await rm(join(archive, 'posts/2014/2014-09-23-e.md'));
  await write('posts/2014/2014-09-23-e-statement.md', post('E statement', '2014-09-23 17:00:00', BODY_E));
  // C deleted; A's body edited in place.
  await rm(join(archive, 'posts/2021/2021-10-07-c.md'));
  await write('posts/2022/2022-11-03-a.md', post('A', '2022-11-03 17:00:00', 'New body of A.\n', ['/2022-11-03-a/']));
  const view = await viewSinceRevision(archive, 'HEAD');
  return { view, byPath: new Map(view.changes.map((c) => [c.path, c])) };
}

describe('cabsync diff --git REV', () => {
  it('lists each change once, by path: untracked posts added, renames as one change, removals', async () => {
    const { view } = await everyChange();
    expect(view.changes.map((c) => [c.kind, c.from, c.path])).toEqual([
      ['renamed', 'posts/2014/2014-09-23-e.md', 'posts/2014/2014-09-23-e-statement.md'],
      ['removed', undefined, 'posts/2021/2021-10-07-c.md'],
      ['renamed', 'posts/2022/2022-09-22-d.md', 'posts/2022/2022-09-23-d.md'],
      ['updated', undefined, 'posts/2022/2022-11-03-a.md'],
      ['renamed', 'posts/2022/2022-11-17-b.md', 'posts/2022/2022-11-17-b-retitled.md'],
      ['added', undefined, 'posts/2023/2023-01-05-new.md'],
    ]);
    expect(view.missingUpstream).toBeNull();
    expect(view.missingUpstreamNotChecked).toBe('not known from git history');
  });

  it('shows a post git does not track yet as added', async () => {
    const { byPath } = await everyChange();
    expect(byPath.get('posts/2023/2023-01-05-new.md')).toMatchObject({
      kind: 'added',
      title: 'New',
      fields: expect.arrayContaining([
        { field: 'title', old: undefined, new: 'New' },
        { field: 'tags', old: undefined, new: ['Minutes'] },
      ]),
      patch: '',
    });
  });

  it('shows a tracked file renamed with a new title as one renamed change, with its fields and body patch', async () => {
    const { byPath } = await everyChange();
    const b = byPath.get('posts/2022/2022-11-17-b-retitled.md')!;
    expect(b).toMatchObject({
      kind: 'renamed',
      from: 'posts/2022/2022-11-17-b.md',
      title: 'B retitled',
      fields: [{ field: 'title', old: 'B', new: 'B retitled' }],
    });
    expect(b.patch).toContain('--- a/posts/2022/2022-11-17-b.md');
    expect(b.patch).toContain('+++ b/posts/2022/2022-11-17-b-retitled.md');
    expect(b.patch).toContain('-The group discussed ballot CSC-17 at length.');
    expect(b.patch).toContain('+The group discussed ballot CSC-17 briefly.');
    expect(byPath.has('posts/2022/2022-11-17-b.md')).toBe(false);
  });

  it('pairs a deleted file with the untracked file of the same post: a shared alias, else the same body', async () => {
    const { byPath } = await everyChange();
    expect(byPath.get('posts/2022/2022-09-23-d.md')).toMatchObject({
      kind: 'renamed',
      from: 'posts/2022/2022-09-22-d.md',
      fields: [{ field: 'date', old: '2022-09-22 17:00:00', new: '2022-09-23 17:00:00' }],
      patch: '',
    });
    expect(byPath.get('posts/2014/2014-09-23-e-statement.md')).toMatchObject({
      kind: 'renamed',
      from: 'posts/2014/2014-09-23-e.md',
      fields: [{ field: 'title', old: 'E', new: 'E statement' }],
      patch: '',
    });
    expect(byPath.has('posts/2022/2022-09-22-d.md')).toBe(false);
    expect(byPath.has('posts/2014/2014-09-23-e.md')).toBe(false);
  });

  it("shows a removed post's fields as removals (old value → none)", async () => {
    const { byPath } = await everyChange();
    const c = byPath.get('posts/2021/2021-10-07-c.md')!;
    expect(c).toMatchObject({ kind: 'removed', title: 'C', patch: '' });
    expect(c.fields).toContainEqual({ field: 'title', old: 'C', new: undefined });
    expect(c.fields).toContainEqual({ field: 'tags', old: ['Ballots'], new: undefined });
    expect(c.fields.every((f) => f.new === undefined && f.old !== undefined)).toBe(true);
  });

  it('prints renames as `renamed <from> → <path>` and missing upstream as not checked, in text and Markdown', async () => {
    const { view } = await everyChange();
    const text = formatDiffText(view, false);
    expect(text).toContain('since HEAD: 6 changed, missing upstream: not checked (not known from git history)');
    expect(text).not.toMatch(/\b0 missing upstream/);
    expect(text).toContain('renamed posts/2022/2022-11-17-b.md → posts/2022/2022-11-17-b-retitled.md  (B retitled)');
    expect(text).toContain('  title: "B" → "B retitled"');
    expect(text).toContain('+The group discussed ballot CSC-17 briefly.');
    expect(text).toContain('removed posts/2021/2021-10-07-c.md  (C)\n');
    expect(text).toContain('  title: "C" → (none)');
    const md = formatDiffMarkdown(view);
    expect(md).toContain('missing upstream: not checked (not known from git history)');
    expect(md).not.toMatch(/\b0 missing upstream/);
    expect(md).toContain(
      '### renamed `posts/2022/2022-11-17-b.md` → `posts/2022/2022-11-17-b-retitled.md`: B retitled',
    );
    expect(md).toContain('- `title`: "B" → "B retitled"');
    expect(md).toContain('### removed: C (`posts/2021/2021-10-07-c.md`)');
    expect(md).toContain('- `title`: "C" → (none)');
  });

  it('sees an untracked post when nothing tracked changed, and honours .gitignore', async () => {
    const { archive, top, write } = await repository();
    await writeFile(join(top, '.gitignore'), 'archive/posts/**/*.draft.md\n');
    await write('posts/2023/2023-02-01-f.md', post('F', '2023-02-01 17:00:00', 'F.\n'));
    await write('posts/2023/2023-02-02-g.draft.md', post('G', '2023-02-02 17:00:00', 'G.\n'));
    const view = await viewSinceRevision(archive, 'HEAD');
    expect(view.changes.map((c) => [c.kind, c.path])).toEqual([['added', 'posts/2023/2023-02-01-f.md']]);
  });

  it('keeps a file git stopped tracking as what it is, not a rename to itself', async () => {
    const { archive, git } = await repository();
    await git('rm', '-q', '--cached', '--', 'archive/posts/2022/2022-11-03-a.md');
    const view = await viewSinceRevision(archive, 'HEAD');
    expect(view.changes).toEqual([]);
    expect(await readFile(join(archive, 'posts/2022/2022-11-03-a.md'), 'utf8')).toContain('title: A');
  });
});

describe('cabsync diff of a sync report', () => {
  const report = (extra: Partial<SyncReport>): SyncReport =>
    ({ id: '2026-01-01T00-00-00Z', changes: [], ...extra }) as SyncReport;

  it('says missing upstream was not checked, and why, instead of counting 0', () => {
    const view = viewOfReport(report({ missingUpstream: null, missingUpstreamNotChecked: 'discovery incomplete' }));
    expect(view).toMatchObject({ missingUpstream: null, missingUpstreamNotChecked: 'discovery incomplete' });
    expect(formatDiffText(view, false)).toBe(
      'sync 2026-01-01T00-00-00Z: 0 changed, missing upstream: not checked (discovery incomplete)\n',
    );
    expect(formatDiffMarkdown(view)).toBe(
      '## sync 2026-01-01T00-00-00Z\n\nmissing upstream: not checked (discovery incomplete).\n',
    );
  });

  it('counts missing upstream when it was checked', () => {
    const view = viewOfReport(report({ missingUpstream: ['posts/2021/x.md'] }));
    expect(view).not.toHaveProperty('missingUpstreamNotChecked');
    expect(formatDiffText(view, false)).toBe(
      'sync 2026-01-01T00-00-00Z: 0 changed, 1 missing upstream\n\nmissing-upstream posts/2021/x.md\n',
    );
    expect(formatDiffText(viewOfReport(report({ missingUpstream: [] })), false)).toContain(
      '0 changed, 0 missing upstream',
    );
  });
});

describe('body patches stay bounded', () => {
  const lines = (prefix: string) =>
    fc.array(
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '-'), maxLength: 6 }).map((line) => prefix + line),
      { maxLength: 12 },
    );
  const text = (prefix: string) =>
    fc
      .tuple(lines(prefix), fc.boolean())
      .map(([ls, newline]) => ls.join('\n') + (newline && ls.length > 0 ? '\n' : ''));

  it('the whole-replacement patch is the patch jsdiff gives when no line is shared', () => {
    fc.assert(
      fc.property(text('old '), text('new '), (before, after) => {
        fc.pre(before !== after);
        expect(wholeReplacement('a/x.md', 'b/x.md', before, after)).toBe(
          createTwoFilesPatch('a/x.md', 'b/x.md', before, after, undefined, undefined, { context: 3 }),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('a body of 10,000 changed lines is patched in linear time, as one replacing hunk', () => {
    const before = Array.from({ length: 10_000 }, (_, i) => `Paragraph ${i} as first published.`).join('\n\n') + '\n';
    const after = Array.from({ length: 10_000 }, (_, i) => `Paragraph ${i}, edited.`).join('\n\n') + '\n';
    const patch = bodyPatch('posts/x.md', before, after);
    expect(patch).toContain('@@ -1,19999 +1,19999 @@');
    expect(patch.split('\n').filter((line) => line.startsWith('-Paragraph')).length).toBe(10_000);
  });
});
