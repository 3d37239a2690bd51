import { storedPages } from '../raw/reprocess.js';
import type { SyncReport } from '../report/report.js';
import type { SyncOptions } from './options.js';
import { finishRun, withRun, type Run, type RunHooks } from './run.js';
import { fail, processBody } from './page.js';

/**
 * Re-derives the archive from the raw store with the current extractor and converter: the same
 * extract → convert → dedupe → write as a sync, with the same merge rules and report, and no network.
 */
export function reprocess(options: SyncOptions, hooks: RunHooks = {}): Promise<SyncReport> {
  return withRun(options, hooks, 'reprocess', reprocessAll, true);
}

async function reprocessAll(run: Run): Promise<SyncReport> {
  const pages = storedPages(run.raw!);
  run.report.discovered = pages.length;
  run.report.missingUpstream = null;
  run.report.missingUpstreamNotChecked = 'reprocess reads stored pages only';
  // One page at a time: bodies are read lazily, so memory stays flat however large the store.
  for (const page of pages) {
    if (run.fatal) break;
    let body: string;
    try {
      body = await page.read();
    } catch (error) {
      // A damaged or missing blob costs that page, not the run.
      fail(run, page.url, error instanceof Error ? error.message : String(error));
      continue;
    }
    await processBody(run, { url: page.url, hints: run.state.urls[page.url]?.hints ?? {} }, body, page.finalUrl);
  }
  return finishRun(run);
}
