import type { Fetcher } from '../fetch/fetcher.js';
import { WriteError } from '../errors.js';
import { fileTypeOf } from './file-types.js';
import { linksOfPosts, type PostBody } from './links.js';
import {
  readAttachmentManifest,
  saveAttachmentManifest,
  serializeAttachmentManifest,
  type AttachmentManifest,
} from './manifest.js';
import { mirrorFile, sizeOnDisk, type MirrorContext, type MirrorOutcome } from './mirror.js';
import { attachmentPath } from './paths.js';
import { emptyAttachmentsReport, type AttachmentsReport, type AttachmentWarningKind } from './report.js';

/** One attachments step of a sync or fetch run. */
export interface AttachmentsInput {
  archive: string;
  site: URL;
  /** The run's fetcher: files share its pace, robots.txt and retries with the pages. */
  fetcher: Fetcher;
  /** `--max-attachment-size`. */
  maxBytes: number;
  /** Report what would be fetched; request and write nothing. */
  dryRun: boolean;
  /** The posts whose links are mirrored. */
  posts: PostBody[];
  /**
   * `all`: `posts` is the whole archive, so a file none of them links is linked by no post (a sync).
   * `some`: only these posts' links are brought up to date (`cabsync fetch URL`).
   */
  scope: 'all' | 'some';
  now?: () => Date;
}

/**
 * Mirrors every same-host file the posts link into `files/`, one copy per URL, and keeps
 * `files/manifest.json` in step. Broken links and files over the cap are warnings; a file that cannot
 * be fetched or written is a failure of that file, and the other files go on.
 */
export async function syncAttachments(input: AttachmentsInput): Promise<AttachmentsReport> {
  const manifest = await readAttachmentManifest(input.archive, input.site.origin);
  const before = serializeAttachmentManifest(manifest);
  const links = linksOfPosts(input.posts, input.site);
  relink(manifest, links, input.scope === 'all' ? undefined : new Set(input.posts.map((post) => post.path)));
  const report = emptyAttachmentsReport();
  report.linked = links.size;
  if (input.dryRun) return dryRun(input.archive, manifest, links, report);
  const ctx: MirrorContext = {
    archive: input.archive,
    fetcher: input.fetcher,
    maxBytes: input.maxBytes,
    checkedDirs: new Set(),
    now: input.now ?? (() => new Date()),
  };
  manifest.site = input.site.origin;
  try {
    await Promise.all([...links].map(([url, posts]) => mirrorLink(ctx, manifest, report, url, posts)));
    if (input.scope === 'all') await forgetVanished(input.archive, manifest);
  } finally {
    // Whatever was written is recorded, even when a write error stops the step.
    if (serializeAttachmentManifest(manifest) !== before) await saveAttachmentManifest(input.archive, manifest);
  }
  return sorted(report);
}

/** Sets each record's `linkedFrom` from the scan: wholly (`only` undefined), or for the posts in `only`. */
function relink(manifest: AttachmentManifest, links: Map<string, string[]>, only: Set<string> | undefined): void {
  for (const [url, record] of Object.entries(manifest.files)) {
    const kept = only === undefined ? [] : record.linkedFrom.filter((path) => !only.has(path));
    record.linkedFrom = [...new Set([...kept, ...(links.get(url) ?? [])])].sort();
  }
}

async function mirrorLink(
  ctx: MirrorContext,
  manifest: AttachmentManifest,
  report: AttachmentsReport,
  url: string,
  posts: string[],
): Promise<void> {
  const warn = (kind: AttachmentWarningKind, what: string): void => {
    report.warnings.push({ kind, url, posts, message: `${what} (linked from ${posts.join(', ')})` });
  };
  const path = attachmentPath(url);
  if (!path.ok) return warn('unsafe-path', `not mirrored: ${path.reason}`);
  const held = manifest.files[url];
  const outcome: MirrorOutcome = await mirrorFile(ctx, url, path.path, fileTypeOf(path.path)!, held).catch(
    (error: unknown) => {
      // A file the disk refuses (a name or path too long, a symbolic link in the way) is that file's failure.
      if (error instanceof WriteError) return { kind: 'failed', error: error.message };
      throw error;
    },
  );
  switch (outcome.kind) {
    case 'added':
    case 'changed':
    case 'unchanged':
      // A file held carries the links relink() worked out (with `fetch`, other posts' links too).
      manifest.files[url] = { ...outcome.record, linkedFrom: held?.linkedFrom ?? posts };
      if (outcome.kind === 'unchanged') report.unchanged += 1;
      else report[outcome.kind].push(path.path);
      return;
    case 'gone':
      if (!held) return warn('broken-link', `broken link: ${url} (HTTP ${outcome.status})`);
      held.missingUpstream ??= ctx.now().toISOString();
      report.missingUpstream.push(path.path);
      return;
    case 'too-large': {
      const size = outcome.size === undefined ? `more than ${outcome.limit}` : String(outcome.size);
      return warn(
        'too-large',
        `too large: ${url} is ${size} bytes, over --max-attachment-size ${outcome.limit}: not downloaded${held ? '; the copy held is kept' : ''}`,
      );
    }
    case 'not-a-file':
      return warn('not-a-file', `not mirrored: ${url}: ${outcome.reason}`);
    case 'refused':
      return warn('refused', `not fetched: ${url}: ${outcome.reason}`);
    case 'failed':
      report.failed.push({ url, posts, error: outcome.error });
  }
}

/** A dry run requests nothing: links without a copy are what would be added; held copies are not re-checked. */
async function dryRun(
  archive: string,
  manifest: AttachmentManifest,
  links: Map<string, string[]>,
  report: AttachmentsReport,
): Promise<AttachmentsReport> {
  for (const url of links.keys()) {
    const path = attachmentPath(url);
    const held = manifest.files[url];
    if (path.ok && (!held || !(await isFile(archive, held.path)))) report.added.push(path.path);
    else if (path.ok) report.unchanged += 1;
  }
  report.note = 'dry run: no attachment was requested; files held were not re-checked';
  return sorted(report);
}

/** A record no post links any more and whose file was deleted by hand is dropped: deleting the file is how to let it go. */
async function forgetVanished(archive: string, manifest: AttachmentManifest): Promise<void> {
  for (const [url, record] of Object.entries(manifest.files)) {
    if (record.linkedFrom.length === 0 && !(await isFile(archive, record.path))) delete manifest.files[url];
  }
}

async function isFile(archive: string, path: string): Promise<boolean> {
  return (await sizeOnDisk(archive, path)) !== undefined;
}

function sorted(report: AttachmentsReport): AttachmentsReport {
  report.added.sort();
  report.changed.sort();
  report.missingUpstream.sort();
  report.warnings.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  report.failed.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  return report;
}
