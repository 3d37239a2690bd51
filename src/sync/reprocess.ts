import { storedPages } from '../raw/reprocess.js';
import type { SyncReport } from '../report/report.js';
import type { SyncOptions } from './options.js';
import { accountForEvery, finishRun, withRun, type Run, type RunHooks } from './run.js';
import { bodyOutcome } from './page.js';
import { sitePage } from '../site/index.js';

/**
 * Re-derives the archive from the raw store with the current extractor and converter: the same
 * extract → convert → dedupe → write as a sync, with the same merge rules and report, and no network.
 */
export function reprocess(options: SyncOptions, hooks: RunHooks = {}): Promise<SyncReport> {
  return withRun(options, hooks, 'reprocess', reprocessAll, true);
}

async function reprocessAll(run: Run): Promise<SyncReport> {
  const pages = storedPages(run.raw!);
  const { report } = run.ledger;
  report.discovered = pages.length;
  report.missingUpstream = null;
  report.missingUpstreamNotChecked = 'reprocess reads stored pages only';
  // One page at a time: bodies are read lazily, so memory stays flat however large the store.
  for (const page of pages) {
    if (run.fatal || run.hooks.signal?.aborted) break;
    let body: string;
    try {
      body = await page.read();
    } catch (error) {
      // A damaged or missing blob costs that page, not the run.
      run.ledger.record(page.url, { kind: 'failed', reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const result = await bodyOutcome(
      run,
      { ...sitePage(page.url), hints: run.state.urls[page.url]?.hints ?? {} },
      body,
      page.finalUrl,
    );
    // Offline, an alias page is skipped (its post is reprocessed from its own stored page), never followed.
    if (result && result.outcome.kind !== 'alias') run.ledger.record(page.url, result.outcome);
  }
  accountForEvery(
    run,
    pages.map((page) => page.url),
  );
  return finishRun(run);
}
