import type { Command } from 'commander';
import type { RawSyncFlags } from '../sync/options.js';
import { progressPrinter } from './progress.js';

/** `cabsync sync`: the scheduled job. */
export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('discover, fetch, convert and merge every post of the site into the archive')
    .option('--site <url>', 'site to crawl', 'https://cabforum.org')
    .option('--archive <dir>', 'archive folder', './archive')
    .option('--full', 'ignore sitemap lastmod and validators: fetch and re-convert every post')
    .option('--dry-run', 'show what would change; write nothing')
    .option('--since <date>', 'only posts dated on or after YYYY-MM-DD')
    .option('--limit <n>', 'only the newest N posts')
    .option('--concurrency <n>', 'requests in flight at once', '4')
    .option('--rate <ms>', 'minimum interval between requests to the host, in ms (0 for none)', '250')
    .option('--json', 'print the JSON report on stdout and nothing else there')
    .option('--keep-raw', 'store every fetched post page (compressed, content-addressed) for reprocess and export-warc')
    .option('--raw-dir <dir>', 'raw store folder (default <archive>/.cabsync/raw)')
    .option('--attachments', 'mirror the files posts link on the site (PDF, DOCX, images…) into <archive>/files/')
    .option('--max-attachment-size <bytes>', 'largest attachment downloaded, e.g. 50MB (default 50MB)')
    .option('--accept-shrink', 'write pages that would shrink or empty an archived post (held back by default)')
    .option(
      '--revalidate <share>',
      're-download this share of the archived posts each run, least recently checked first (1/7; 0 for none)',
    )
    .option(
      '--max-duration <time>',
      'stop cleanly after this long, e.g. 45m, 1h30m, 90s (default 45m): the rest is reported failed',
    )
    .option('--max-urls <n>', 'consider at most N URLs new to the archive this run (default 10000)')
    .option('--strict-health', 'do not write pages with layout-health issues; exit 1 on site-wide health warnings')
    .option('-v, --verbose', 'log skipped URLs and why on stderr')
    .action(async (flags: RawSyncFlags & { json?: boolean }) => {
      // The pipeline loads when the command runs: `--help` and `--version` never pay for it.
      const [{ resolveSyncOptions }, { sync }, { printReport }, { runOtherThreadsInBackground }] = await Promise.all([
        import('../sync/options.js'),
        import('../sync/sync.js'),
        import('./print-report.js'),
        import('../sync/priority.js'),
      ]);
      const options = resolveSyncOptions(flags);
      // The main thread, which sends requests and takes responses, comes first for a core (see priority.ts).
      runOtherThreadsInBackground();
      const progress = progressPrinter();
      const log = flags.verbose ? (message: string) => process.stderr.write(`${message}\n`) : undefined;
      const report = await sync(options, { progress: progress.update, log }).finally(progress.done);
      printReport(report, flags.json ?? false);
    });
}
