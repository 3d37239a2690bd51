/** Why a linked file was not mirrored this run, though nothing failed. */
export type AttachmentWarningKind = 'broken-link' | 'too-large' | 'not-a-file' | 'refused' | 'unsafe-path';

export interface AttachmentWarning {
  kind: AttachmentWarningKind;
  url: string;
  /** The archive posts that link it. */
  posts: string[];
  message: string;
}

/** The `attachments` key of a sync or fetch report (present only with `--attachments`). */
export interface AttachmentsReport {
  /** Distinct file URLs the posts scanned link on the site. */
  linked: number;
  /** Archive paths (`files/…`) of files downloaded for the first time (in a dry run: that would be). */
  added: string[];
  /** Archive paths of files whose bytes changed upstream and were downloaded again. */
  changed: string[];
  /** Files held whose copy the site confirmed (304, or the same bytes). */
  unchanged: number;
  /** Archive paths of files held before that the site now answers 404/410 for: kept on disk. */
  missingUpstream: string[];
  /** Broken links, files over the size cap, pages where a file was promised, robots.txt refusals, unsafe paths. */
  warnings: AttachmentWarning[];
  /** Files that could not be fetched (server errors after retries, timeouts): the next run tries again. */
  failed: { url: string; posts: string[]; error: string }[];
  /** Why the step did less than usual (a dry run). */
  note?: string;
}

export function emptyAttachmentsReport(): AttachmentsReport {
  return { linked: 0, added: [], changed: [], unchanged: 0, missingUpstream: [], warnings: [], failed: [] };
}

/** One line for the summary. */
export function attachmentsLine(report: AttachmentsReport, dryRun: boolean): string {
  const verb = dryRun ? 'would be ' : '';
  return (
    `attachments: ${report.linked} linked, ${report.added.length} ${verb}added, ${report.changed.length} changed, ${report.unchanged} unchanged, ` +
    `${report.missingUpstream.length} missing upstream, ${report.warnings.length} warnings, ${report.failed.length} failed`
  );
}

/** The summary's (and the diff's) lists: heading → items; empty lists are left out. */
export function attachmentSections(report: AttachmentsReport): [string, string[]][] {
  const sections: [string, string[]][] = [
    ['Attachments added', report.added],
    ['Attachments changed', report.changed],
    ['Attachments missing upstream (kept)', report.missingUpstream],
    ['Attachments failed', report.failed.map((f) => `${f.url}: ${f.error}`)],
    ['Attachment warnings', [...(report.note ? [report.note] : []), ...report.warnings.map((w) => w.message)]],
  ];
  return sections.filter(([, items]) => items.length > 0);
}
