import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parsePost, type Post } from '../archive/post.js';
import { printableDeep } from './printable.js';
import { bodyPatch, describeChange } from './changes.js';
import type { PostChange, SyncReport } from './report.js';
import { attachmentSections, type AttachmentsReport } from '../attachments/report.js';

const run = promisify(execFile);

/** What `cabsync diff` shows: the changes of one sync, or of everything since a git revision. */
export interface DiffView {
  source: string;
  changes: PostChange[];
  /** Archive files the site no longer has; `null` when not checked (see `missingUpstreamNotChecked`). */
  missingUpstream: string[] | null;
  /** Why missing upstream was not checked (a sync that could not, or a `--git` view: git history does not know). */
  missingUpstreamNotChecked?: string;
  /** With --attachments: the files added, changed and missing upstream, and the warnings. */
  attachments?: AttachmentsReport;
}

export function viewOfReport(report: SyncReport): DiffView {
  // Reports written before missing upstream could be "not checked" always hold a list; a report without one says nothing.
  const missing = report.missingUpstream ?? null;
  return {
    source: `sync ${report.id}`,
    changes: report.changes,
    missingUpstream: missing,
    ...(missing === null && {
      missingUpstreamNotChecked: report.missingUpstreamNotChecked ?? 'the report does not say why',
    }),
    ...(report.attachments && { attachments: report.attachments }),
  };
}

/** Why a `--git` view has no missing-upstream list: only a sync that read the site knows it. */
export const NOT_KNOWN_FROM_GIT = 'not known from git history';

/** One post file in the revision or the working tree, by its path from the repository's top. */
interface Side {
  fromTop: string;
  post: Post;
}

/**
 * Changes to the archive's posts between a git revision and the working tree: tracked files git
 * compares (a renamed file is one `renamed` change, from git's rename detection), and files git does
 * not track yet (every post a sync added before anyone ran `git add`), which count as added.
 */
export async function viewSinceRevision(archiveDir: string, revision: string): Promise<DiffView> {
  const cwd = resolve(archiveDir);
  const git = (...args: string[]) => run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024 });
  const top = (
    await git('rev-parse', '--show-toplevel').catch(() => {
      throw new Error(`--git: ${archiveDir} is not inside a git repository`);
    })
  ).stdout.trim();
  await git('rev-parse', '--verify', '--quiet', `${revision}^{commit}`).catch(() => {
    throw new Error(`--git: unknown revision ${JSON.stringify(revision)}`);
  });
  const pathOf = (fromTop: string) => relative(cwd, resolve(top, fromTop)).split('\\').join('/');
  const isPost = (fromTop: string) => fromTop.endsWith('.md');
  const old = async (fromTop: string) => parseOrUndefined((await git('show', `${revision}:${fromTop}`)).stdout);
  const now = async (fromTop: string) => parseOrUndefined(await readFile(resolve(top, fromTop), 'utf8'));

  const changes: PostChange[] = [];
  const added: Side[] = [];
  const removed: Side[] = [];
  // Paths in -z output are top-relative and unquoted; a rename or copy (R…/C…) has two: old, then new.
  const { stdout } = await git('diff', '--name-status', '--find-renames', '-z', revision, '--', 'posts');
  const fields = stdout.split('\0').filter(Boolean);
  for (let i = 0; i < fields.length;) {
    const kind = fields[i++]![0]; // A, C, D, M, R, T, U; R and C carry a score (R087)
    const from = fields[i++];
    const to = kind === 'R' || kind === 'C' ? fields[i++] : from;
    if (from === undefined || to === undefined) break;
    if (kind === 'R' && isPost(from) && isPost(to)) {
      const [before, after] = await Promise.all([old(from), now(to)]);
      if (before && after) changes.push(renamedChange(pathOf(from), pathOf(to), before, after));
      else if (after) added.push({ fromTop: to, post: after });
      else if (before) removed.push({ fromTop: from, post: before });
      continue;
    }
    if ((kind === 'D' || kind === 'R') && isPost(from)) {
      const before = await old(from);
      if (before) removed.push({ fromTop: from, post: before });
    }
    if (kind === 'D' || !isPost(to)) continue;
    const after = await now(to);
    if (!after) continue;
    if (kind === 'A' || kind === 'R' || kind === 'C') added.push({ fromTop: to, post: after });
    else changes.push(describeChange(pathOf(to), await old(to), after));
  }
  const untracked = (await git('ls-files', '--others', '--exclude-standard', '--full-name', '-z', '--', 'posts')).stdout
    .split('\0')
    .filter(isPost);
  for (const fromTop of untracked) {
    const after = await now(fromTop);
    if (after) added.push({ fromTop, post: after });
  }

  for (const { before, after } of pairRenames(removed, added)) {
    // The same path on both sides: a file git stopped tracking (`git rm --cached`) but still there; a change only if it changed.
    if (before.fromTop === after.fromTop) {
      const change = describeChange(pathOf(after.fromTop), before.post, after.post);
      if (change.fields.length > 0 || change.patch !== '') changes.push(change);
    } else changes.push(renamedChange(pathOf(before.fromTop), pathOf(after.fromTop), before.post, after.post));
  }
  for (const side of added) changes.push(describeChange(pathOf(side.fromTop), undefined, side.post));
  for (const side of removed) changes.push(removedChange(pathOf(side.fromTop), side.post));
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { source: `since ${revision}`, changes, missingUpstream: null, missingUpstreamNotChecked: NOT_KNOWN_FROM_GIT };
}

/**
 * Pairs a removed post with an added one when they are the same post under a new file name: git
 * cannot see a rename whose new file it does not track yet (an untracked file is no side of its diff),
 * nor one whose content changed too much. Kept simple: two files are one post when they share an alias
 * (an old URL of the post, kept through retitles and re-dates), else when their bodies are the same
 * and not empty. The same path is paired first (a file git stopped tracking), then shared aliases,
 * then bodies; each file is paired once, and paired files leave both lists.
 */
function pairRenames(removed: Side[], added: Side[]): { before: Side; after: Side }[] {
  const pairs: { before: Side; after: Side }[] = [];
  const take = (same: (before: Side, after: Side) => boolean) => {
    for (let r = 0; r < removed.length; r++) {
      const a = added.findIndex((side) => same(removed[r]!, side));
      if (a < 0) continue;
      pairs.push({ before: removed[r]!, after: added[a]! });
      removed.splice(r--, 1);
      added.splice(a, 1);
    }
  };
  take((before, after) => before.fromTop === after.fromTop);
  take((before, after) => {
    const aliases = new Set(aliasesOf(before.post));
    return aliasesOf(after.post).some((alias) => aliases.has(alias));
  });
  take(({ post: before }, { post: after }) => before.body.trim() !== '' && before.body.trim() === after.body.trim());
  return pairs;
}

function aliasesOf(post: Post): string[] {
  const { aliases } = post.frontMatter;
  return Array.isArray(aliases) ? aliases.filter((a): a is string => typeof a === 'string') : [];
}

/** A post whose file moved from `from` to `path`: its changed fields, and its body patch (labelled with both paths). */
function renamedChange(from: string, path: string, before: Post, after: Post): PostChange {
  const change = describeChange(path, before, after);
  const patch = bodyPatch(path, before.body, after.body, from);
  return { ...change, kind: 'renamed', from, patch };
}

/** A post whose file is gone: every front matter field it had, as a removal (old value → none). */
function removedChange(path: string, before: Post): PostChange {
  const title = typeof before.frontMatter.title === 'string' ? before.frontMatter.title : path;
  const fields = Object.entries(before.frontMatter)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => ({ field, old: value, new: undefined }));
  return { kind: 'removed', path, title, fields, patch: '' };
}

function parseOrUndefined(text: string): Post | undefined {
  const parsed = parsePost(text);
  return parsed.ok ? parsed.post : undefined;
}

const COLOURS = { add: '\x1b[32m', del: '\x1b[31m', hunk: '\x1b[36m', head: '\x1b[1m', reset: '\x1b[0m' };

/** Plain text, coloured when `colour` is set (a TTY). */
export function formatDiffText(unsafe: DiffView, colour: boolean): string {
  const view = printableDeep(unsafe);
  const paint = (code: string, text: string) => (colour ? `${code}${text}${COLOURS.reset}` : text);
  const out: string[] = [
    paint(COLOURS.head, `${view.source}: ${view.changes.length} changed, ${missingSummary(view)}`),
  ];
  for (const change of view.changes) {
    out.push('', paint(COLOURS.head, `${change.kind} ${where(change)}`) + (change.title ? `  (${change.title})` : ''));
    for (const field of change.fields) out.push(`  ${field.field}: ${show(field.old)} → ${show(field.new)}`);
    for (const line of patchLines(change.patch)) {
      if (line.startsWith('+')) out.push(paint(COLOURS.add, line));
      else if (line.startsWith('-')) out.push(paint(COLOURS.del, line));
      else if (line.startsWith('@@')) out.push(paint(COLOURS.hunk, line));
      else out.push(line);
    }
  }
  for (const path of view.missingUpstream ?? []) out.push('', `missing-upstream ${path}`);
  for (const [heading, items] of view.attachments ? attachmentSections(view.attachments) : [])
    out.push('', paint(COLOURS.head, heading), ...items.map((item) => `  ${item}`));
  return `${out.join('\n')}\n`;
}

/** Markdown, for pasting into a pull request or an issue. */
export function formatDiffMarkdown(unsafe: DiffView): string {
  const view = printableDeep(unsafe);
  const out: string[] = [`## ${view.source}`, ''];
  if (view.missingUpstream === null) out.push(`${missingSummary(view)}.`, '');
  for (const change of view.changes) {
    const path =
      change.kind === 'renamed' && change.from !== undefined
        ? `\`${change.from}\` → \`${change.path}\``
        : `\`${change.path}\``;
    out.push(
      change.kind === 'renamed'
        ? `### renamed ${path}: ${change.title}`
        : `### ${change.kind}: ${change.title} (${path})`,
      '',
    );
    for (const field of change.fields) out.push(`- \`${field.field}\`: ${show(field.old)} → ${show(field.new)}`);
    if (change.fields.length > 0) out.push('');
    const lines = patchLines(change.patch);
    if (lines.length > 0) out.push('```diff', ...lines, '```', '');
  }
  if (view.missingUpstream && view.missingUpstream.length > 0)
    out.push('### Missing upstream', '', ...view.missingUpstream.map((p) => `- \`${p}\``), '');
  for (const [heading, items] of view.attachments ? attachmentSections(view.attachments) : [])
    out.push(`### ${heading}`, '', ...items.map((item) => `- ${item}`), '');
  return `${out.join('\n').trimEnd()}\n`;
}

/** `N missing upstream`, or `missing upstream: not checked (why)` when it was not checked: never a 0 that was not counted. */
function missingSummary(view: DiffView): string {
  if (view.missingUpstream !== null) return `${view.missingUpstream.length} missing upstream`;
  return `missing upstream: not checked (${view.missingUpstreamNotChecked ?? 'no reason given'})`;
}

/** The change's path; for a rename, `old → new`. */
function where(change: PostChange): string {
  return change.kind === 'renamed' && change.from !== undefined ? `${change.from} → ${change.path}` : change.path;
}

/** The patch without its file header lines; they repeat the path shown above. */
function patchLines(patch: string): string[] {
  if (!patch) return [];
  const lines = patch.replace(/\n$/, '').split('\n');
  const firstHunk = lines.findIndex((line) => line.startsWith('@@'));
  return firstHunk < 0 ? [] : lines.slice(firstHunk);
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}
