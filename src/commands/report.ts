import type { Command } from 'commander';

/** `cabsync report [SYNC-ID]`: the summary of a saved sync (the scheduled workflow's commit body). */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('print the summary of the last sync, or of the named one')
    .argument('[sync-id]', 'a sync id from archive/.cabsync/reports (default: the newest)')
    .option('--archive <dir>', 'archive folder', './archive')
    .option('--json', 'print the whole JSON report')
    .action(async (id: string | undefined, flags: { archive: string; json?: boolean }) => {
      const [{ readReport }, { formatSummary }] = await Promise.all([
        import('../report/report.js'),
        import('../report/summary.js'),
      ]);
      const report = await readReport(flags.archive, id);
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatSummary(report));
    });
}
