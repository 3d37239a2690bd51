import type { Command } from 'commander';
import type { RawSyncFlags } from '../sync/options.js';
import { UsageError } from '../errors.js';

/** `cabsync fetch URL...`: the sync pipeline for the named pages only. */
export function registerFetch(program: Command): void {
  program
    .command('fetch')
    .description('fetch, convert and merge the given pages (post URLs, old alias URLs) into the archive')
    .argument('<url...>', 'pages of the site')
    .option('--archive <dir>', 'archive folder', './archive')
    .option('--stdout', 'print the resulting Markdown file(s); write nothing')
    .option('--rate <ms>', 'minimum interval between requests to the host, in ms', '250')
    .option('--keep-raw', 'store the fetched pages in the raw store')
    .option('--raw-dir <dir>', 'raw store folder (default <archive>/.cabsync/raw)')
    .option('--attachments', 'also mirror the files these posts link on the site into <archive>/files/')
    .option('--max-attachment-size <bytes>', 'largest attachment downloaded, e.g. 50MB (default 50MB)')
    .option('--accept-shrink', 'write pages that would shrink or empty an archived post (held back by default)')
    .option('--json', 'print the JSON report on stdout')
    .action(async (urls: string[], flags: RawSyncFlags & { stdout?: boolean; json?: boolean }) => {
      const [{ resolveSyncOptions, parseSite }, { fetchUrls }, { printReport }, { reportExitCode }] = await Promise.all(
        [
          import('../sync/options.js'),
          import('../sync/sync.js'),
          import('./print-report.js'),
          import('../report/report.js'),
        ],
      );
      const site = siteOf(urls, parseSite);
      const options = resolveSyncOptions({ ...flags, site: site.origin, dryRun: flags.stdout ?? false });
      const report = await fetchUrls(urls, options, {
        onText: flags.stdout
          ? (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
          : undefined,
      });
      if (!flags.stdout) printReport(report, flags.json ?? false);
      else {
        for (const failure of report.failed) process.stderr.write(`cabsync: ${failure.url}: ${failure.error}\n`);
        process.exitCode = reportExitCode(report);
      }
    });
}

function siteOf(urls: string[], parseSite: (origin: string) => URL): URL {
  const sites = urls.map((url) => {
    try {
      return parseSite(new URL(url).origin);
    } catch {
      throw new UsageError(`not a URL: ${JSON.stringify(url)}`);
    }
  });
  const first = sites[0]!;
  const other = sites.find((site) => site.host !== first.host);
  if (other) throw new UsageError(`all URLs must be on one site: ${first.host} and ${other.host}`);
  return first;
}
