import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parsePost, type Post } from '../archive/post.js';
import { describeChange } from './changes.js';
import type { PostChange, SyncReport } from './report.js';
import { attachmentSections, type AttachmentsReport } from '../attachments/report.js';

const run = promisify(execFile);

/** What `cabsync diff` shows: the changes of one sync, or of everything since a git revision. */
export interface DiffView {
  source: string;
  changes: PostChange[];
  missingUpstream: string[];
  /** With --attachments: the files added, changed and missing upstream, and the warnings. */
  attachments?: AttachmentsReport;
}

export function viewOfReport(report: SyncReport): DiffView {
  return { source: `sync ${report.id}`, changes: report.changes, missingUpstream: report.missingUpstream, ...(report.attachments && { attachments: report.attachments }) };
}

/** Changes to the archive's posts between a git revision and the working tree. */
export async function viewSinceRevision(archiveDir: string, revision: string): Promise<DiffView> {
  const cwd = resolve(archiveDir);
  const git = (...args: string[]) => run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024 });
  const top = (await git('rev-parse', '--show-toplevel').catch(() => {
    throw new Error(`--git: ${archiveDir} is not inside a git repository`);
  })).stdout.trim();
  await git('rev-parse', '--verify', '--quiet', `${revision}^{commit}`).catch(() => {
    throw new Error(`--git: unknown revision ${JSON.stringify(revision)}`);
  });
  const { stdout } = await git('diff', '--name-status', '--no-renames', '-z', revision, '--', 'posts');
  const fields = stdout.split('\0').filter(Boolean);
  const changes: PostChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i]!;
    const fromTop = fields[i + 1]!;
    const path = relative(cwd, resolve(top, fromTop)).split('\\').join('/');
    if (!path.endsWith('.md')) continue;
    const before = status === 'A' ? undefined : parseOrUndefined((await git('show', `${revision}:${fromTop}`)).stdout);
    if (status === 'D') {
      if (before) changes.push({ ...describeChange(path, undefined, before), kind: 'removed', patch: '' });
      continue;
    }
    const after = parseOrUndefined(await readFile(resolve(top, fromTop), 'utf8'));
    if (after) changes.push(describeChange(path, before, after));
  }
  return { source: `since ${revision}`, changes, missingUpstream: [] };
}

function parseOrUndefined(text: string): Post | undefined {
  const parsed = parsePost(text);
  return parsed.ok ? parsed.post : undefined;
}

const COLOURS = { add: '\x1b[32m', del: '\x1b[31m', hunk: '\x1b[36m', head: '\x1b[1m', reset: '\x1b[0m' };

/** Plain text, coloured when `colour` is set (a TTY). */
export function formatDiffText(view: DiffView, colour: boolean): string {
  const paint = (code: string, text: string) => (colour ? `${code}${text}${COLOURS.reset}` : text);
  const out: string[] = [paint(COLOURS.head, `${view.source}: ${view.changes.length} changed, ${view.missingUpstream.length} missing upstream`)];
  for (const change of view.changes) {
    out.push('', paint(COLOURS.head, `${change.kind} ${change.path}`) + (change.title ? `  (${change.title})` : ''));
    for (const field of change.fields) out.push(`  ${field.field}: ${show(field.old)} → ${show(field.new)}`);
    for (const line of patchLines(change.patch)) {
      if (line.startsWith('+')) out.push(paint(COLOURS.add, line));
      else if (line.startsWith('-')) out.push(paint(COLOURS.del, line));
      else if (line.startsWith('@@')) out.push(paint(COLOURS.hunk, line));
      else out.push(line);
    }
  }
  for (const path of view.missingUpstream) out.push('', `missing-upstream ${path}`);
  for (const [heading, items] of view.attachments ? attachmentSections(view.attachments) : []) out.push('', paint(COLOURS.head, heading), ...items.map((item) => `  ${item}`));
  return `${out.join('\n')}\n`;
}

/** Markdown, for pasting into a pull request or an issue. */
export function formatDiffMarkdown(view: DiffView): string {
  const out: string[] = [`## ${view.source}`, ''];
  for (const change of view.changes) {
    out.push(`### ${change.kind}: ${change.title} (\`${change.path}\`)`, '');
    for (const field of change.fields) out.push(`- \`${field.field}\`: ${show(field.old)} → ${show(field.new)}`);
    if (change.fields.length > 0) out.push('');
    const lines = patchLines(change.patch);
    if (lines.length > 0) out.push('```diff', ...lines, '```', '');
  }
  if (view.missingUpstream.length > 0) out.push('### Missing upstream', '', ...view.missingUpstream.map((p) => `- \`${p}\``), '');
  for (const [heading, items] of view.attachments ? attachmentSections(view.attachments) : []) out.push(`### ${heading}`, '', ...items.map((item) => `- ${item}`), '');
  return `${out.join('\n').trimEnd()}\n`;
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
