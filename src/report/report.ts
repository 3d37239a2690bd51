import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../write/atomic.js';
import { WriteError } from '../errors.js';
import type { Malformed } from '../archive/load.js';
import type { HealthReport } from '../health/health.js';
import type { AttachmentsReport } from '../attachments/report.js';

/** What happened to one archive file in a sync. */
export type ChangeKind = 'added' | 'updated' | 'renamed' | 'alias-added' | 'metadata-only' | 'removed';

export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

export interface PostChange {
  kind: ChangeKind;
  path: string;
  /** For `renamed`: the archive path the file had before (the post was retitled or re-dated upstream). */
  from?: string;
  title: string;
  url?: string;
  fields: FieldChange[];
  /** Unified diff of the file's body (old → new); empty when only front matter changed, or for a new file. */
  patch: string;
}

/** A page held back: its URL, the archive file that kept its bytes, and what shrank by how much. */
export interface HeldBack {
  url: string;
  path: string;
  shrank: string[];
}

/** What became of one URL: written or matched (`archived`), `unchanged`, `skipped` or `failed`, with why. */
export interface UrlOutcome {
  outcome: 'archived' | 'unchanged' | 'skipped' | 'failed';
  /** The archive file it ended in. */
  path?: string;
  reason?: string;
}

/** Listing coverage: the posts the listing names and how many of them the archive holds. */
export interface Coverage {
  /** Listing entries on the listing pages read. */
  listed: number;
  /** Of those, the ones an archive file answers to (by URL or alias). */
  archived: number;
  /** Listed URLs no archive file answers to. */
  missing: string[];
}

/** The JSON written to `<archive>/.cabsync/reports/<id>.json` and printed by `--json`. */
export interface SyncReport {
  id: string;
  site: string;
  archive: string;
  command: 'sync' | 'fetch' | 'reprocess';
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  /** Posts discovery found (pages judged no post are counted in `notPosts`). */
  discovered: number;
  /** Pages discovery named that turned out not to be posts (static pages, listings, taxonomy pages). */
  notPosts: number;
  added: string[];
  updated: string[];
  /** Files renamed because the site retitled or re-dated their post (each is also in `updated`). */
  renamed: { from: string; to: string }[];
  unchanged: number;
  /** Fetched pages judged the same as an archive file found by another URL, alias, title or content: URL → path. */
  merged: Record<string, string>;
  /** Why each page in `merged` was judged that post: `url`, `date-title`, `content`, `near-duplicate`, `gone-upstream` or `alias`. */
  mergedBy: Record<string, string>;
  /** Posts re-downloaded although nothing announced a change (`--revalidate`), and the oldest check left. */
  revalidation?: { share: number; revalidated: number; oldestCheckedAt?: string };
  /** Archive files the site no longer has; `null` when it was not checked this run (see `missingUpstreamNotChecked`). */
  missingUpstream: string[] | null;
  /** Why missing upstream was not checked (discovery incomplete, `--limit`, a failed source). */
  missingUpstreamNotChecked?: string;
  failed: { url: string; error: string }[];
  skipped: { url: string; reason: string }[];
  /**
   * Pages that would have shrunk or emptied an archived post (more than a third of its words, links
   * or table cells lost, or no body at all): the file kept its bytes. `--accept-shrink` takes them.
   */
  heldBack: HeldBack[];
  /** Every URL the sitemap, listing or feed named (and every URL given by hand): what became of it. */
  urls: Record<string, UrlOutcome>;
  /** The posts the listing pages read name, against the archive: a mismatch is a health warning. */
  coverage?: Coverage;
  malformed: Malformed[];
  requests: { total: number; notModified: number; bytes: number; retries: number };
  warnings: string[];
  /** Whether --strict-health was on: then site-wide health warnings fail the run. */
  strictHealth: boolean;
  /** Layout health: site-wide warnings and pages with issues. */
  health: HealthReport;
  changes: PostChange[];
  /** With --attachments: files added, changed, missing upstream, and warnings (see src/attachments/report.ts). */
  attachments?: AttachmentsReport;
}

/** What a report starts from: who runs what, where; every count zero and every list empty. */
export type ReportHeader = Pick<
  SyncReport,
  'id' | 'site' | 'archive' | 'command' | 'dryRun' | 'startedAt' | 'malformed' | 'strictHealth'
>;

/** A report before any page: filled by the run's ledger, finished by closing the run. */
export function newReport(header: ReportHeader): SyncReport {
  // Keys in the order the report has always been written in.
  const { id, site, archive, command, dryRun, startedAt, malformed, strictHealth } = header;
  return {
    id,
    site,
    archive,
    command,
    dryRun,
    startedAt,
    finishedAt: '',
    discovered: 0,
    added: [],
    updated: [],
    unchanged: 0,
    notPosts: 0,
    renamed: [],
    merged: {},
    mergedBy: {},
    missingUpstream: [],
    failed: [],
    skipped: [],
    heldBack: [],
    urls: {},
    malformed,
    requests: { total: 0, notModified: 0, bytes: 0, retries: 0 },
    warnings: [],
    strictHealth,
    health: { warnings: [], pages: [] },
    changes: [],
  };
}

/** Exit code of a finished sync: 1 when a URL failed, or a health warning under --strict-health. */
export function reportExitCode(report: SyncReport): 0 | 1 {
  if (report.failed.length > 0 || report.heldBack.length > 0) return 1;
  if (report.strictHealth && report.health.warnings.length > 0) return 1;
  // Attachment warnings (broken links, files over the cap) are not failures; a file that could not be fetched is.
  if ((report.attachments?.failed.length ?? 0) > 0) return 1;
  return 0;
}

export function reportsDir(archiveDir: string): string {
  return join(archiveDir, '.cabsync', 'reports');
}

/** A sortable, file-name-safe id: `20261122T165900Z-1a2b`. */
export function newSyncId(now: Date, random: string): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${random}`;
}

export async function saveReport(archiveDir: string, report: SyncReport): Promise<string> {
  const path = join(reportsDir(archiveDir), `${report.id}.json`);
  await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`).catch((error: unknown) => {
    throw new WriteError(path, error);
  });
  return path;
}

/** Reads a report by id, or the newest one when no id is given. */
export async function readReport(archiveDir: string, id?: string): Promise<SyncReport> {
  const dir = reportsDir(archiveDir);
  let name = id ? `${id.replace(/\.json$/, '')}.json` : undefined;
  if (!name) {
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
    name = names.at(-1);
    if (!name) throw new Error(`no sync reports in ${dir}: run cabsync sync first`);
  }
  const path = join(dir, name);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as SyncReport;
  } catch (error) {
    throw new Error(`cannot read sync report ${path}: ${(error as Error).message}`, { cause: error });
  }
}
