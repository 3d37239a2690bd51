import type { Command } from 'commander';
import { UsageError } from '../errors.js';

/** `cabsync diff`: what a sync changed, for people reading the archive's history. */
export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('show what the last sync (or the named one, or everything since a git revision) changed')
    .argument('[sync-id]', 'a sync id from archive/.cabsync/reports (default: the newest)')
    .option('--archive <dir>', 'archive folder', './archive')
    .option('--git <rev>', 'compare the archive with a git revision instead of a sync report')
    .option('--json', 'print the changes as JSON')
    .option('--format <format>', 'text or md', 'text')
    .action(
      async (id: string | undefined, flags: { archive: string; git?: string; json?: boolean; format: string }) => {
        if (flags.format !== 'text' && flags.format !== 'md')
          throw new UsageError(`--format: expected text or md, got ${JSON.stringify(flags.format)}`);
        if (id && flags.git) throw new UsageError('give a sync id or --git, not both');
        const [{ readReport }, { formatDiffMarkdown, formatDiffText, viewOfReport, viewSinceRevision }] =
          await Promise.all([import('../report/report.js'), import('../report/diff.js')]);
        const view = flags.git
          ? await viewSinceRevision(flags.archive, flags.git)
          : viewOfReport(await readReport(flags.archive, id));
        if (flags.json) process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
        else if (flags.format === 'md') process.stdout.write(formatDiffMarkdown(view));
        else process.stdout.write(formatDiffText(view, process.stdout.isTTY === true));
      },
    );
}
