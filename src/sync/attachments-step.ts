import { syncAttachments } from '../attachments/attachments.js';
import { archivePost } from '../attachments/links.js';
import type { Run } from './run.js';

/**
 * The attachments step (`--attachments`): mirrors the files the archived posts link, on the run's
 * fetcher, and puts what happened in `report.attachments`. `archive`: the links of every archive
 * post (a sync); `run`: of the posts this run reached (`cabsync fetch URL`). A write error stops the
 * run as a post's would; nothing else here fails it.
 */
export async function mirrorAttachments(run: Run, scope: 'archive' | 'run'): Promise<void> {
  const { options } = run;
  if (!options.attachments || run.fatal) return;
  // A stopped run has no time left: each file would fail at once. Next run checks them.
  if (run.hooks.signal?.aborted) {
    run.ledger.report.warnings.push(
      `attachments not checked: the run stopped (${String((run.hooks.signal.reason as Error | undefined)?.message ?? run.hooks.signal.reason)})`,
    );
    return;
  }
  const index = run.dedupe.archive;
  const entries =
    scope === 'archive'
      ? index.entries
      : [...new Set(Object.values(run.ledger.report.urls).map((outcome) => outcome.path))].flatMap((path) =>
          path === undefined ? [] : (index.byPath.get(path) ?? []),
        );
  try {
    run.ledger.report.attachments = await syncAttachments({
      archive: options.archive,
      site: options.site,
      fetcher: run.fetcher,
      maxBytes: options.maxAttachmentBytes,
      dryRun: options.dryRun,
      posts: entries.map((entry) => archivePost(entry, options.site)),
      scope: scope === 'archive' ? 'all' : 'some',
    });
  } catch (error) {
    run.fatal ??= error instanceof Error ? error : new Error(String(error));
  }
}
