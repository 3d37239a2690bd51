import type { Command } from 'commander';

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
    .action(
      async (flags: { archive: string; rawDir?: string; dryRun?: boolean; json?: boolean; acceptShrink?: boolean }) => {
        const [
          { resolveSyncOptions },
          { reprocess },
          { formatDiffText, viewOfReport },
          { printReport },
          { reportExitCode },
        ] = await Promise.all([
          import('../sync/options.js'),
          import('../sync/reprocess.js'),
          import('../report/diff.js'),
          import('./print-report.js'),
          import('../report/report.js'),
        ]);
        const options = resolveSyncOptions({
          archive: flags.archive,
          rawDir: flags.rawDir,
          dryRun: flags.dryRun,
          acceptShrink: flags.acceptShrink,
        });
        const report = await reprocess(options);
        if (flags.dryRun && !flags.json) {
          process.stdout.write(formatDiffText(viewOfReport(report), process.stdout.isTTY === true));
          process.exitCode = reportExitCode(report);
        } else printReport(report, flags.json ?? false);
      },
    );
}
