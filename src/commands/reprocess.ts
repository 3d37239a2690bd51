import type { Command } from 'commander';
import { resolveSyncOptions } from '../sync/options.js';
import { reprocess } from '../sync/reprocess.js';
import { formatDiffText, viewOfReport } from '../report/diff.js';
import { printReport } from './sync.js';
import { reportExitCode } from '../report/report.js';

/** `cabsync reprocess`: re-derive the archive from stored pages, offline. */
export function registerReprocess(program: Command): void {
  program
    .command('reprocess')
    .description('re-run extract, convert and merge over the raw store with the current code (no network)')
    .option('--archive <dir>', 'archive folder', './archive')
    .option('--raw-dir <dir>', 'raw store folder (default <archive>/.cabsync/raw)')
    .option('--dry-run', 'show the diff it would make; write nothing')
    .option('--accept-shrink', 'write pages that would shrink or empty an archived post (held back by default)')
    .option('--json', 'print the JSON report on stdout')
    .action(async (flags: { archive: string; rawDir?: string; dryRun?: boolean; json?: boolean; acceptShrink?: boolean }) => {
      const options = resolveSyncOptions({ archive: flags.archive, rawDir: flags.rawDir, dryRun: flags.dryRun, acceptShrink: flags.acceptShrink });
      const report = await reprocess(options);
      if (flags.dryRun && !flags.json) {
        process.stdout.write(formatDiffText(viewOfReport(report), process.stdout.isTTY === true));
        process.exitCode = reportExitCode(report);
      } else printReport(report, flags.json ?? false);
    });
}
