import type { Command } from 'commander';
import { UsageError } from '../errors.js';

/** `cabsync export-warc FILE`: the raw store as a WARC file for standard web-archive tools. */
export function registerExportWarc(program: Command): void {
  program
    .command('export-warc')
    .description(
      'write the pages kept by --keep-raw and the files mirrored by --attachments as a WARC 1.1 file (gzip per record)',
    )
    .argument('<file>', 'the WARC file to write, e.g. cabforum.warc.gz')
    .option('--archive <dir>', 'archive folder', './archive')
    .option('--raw-dir <dir>', 'raw page store (default: ARCHIVE/.cabsync/raw)')
    .action(async (file: string, flags: { archive: string; rawDir?: string }) => {
      const [
        { openRawStore, rawDir },
        { exportWarc },
        { manifestFile, readAttachmentManifest },
        { attachmentResponses },
      ] = await Promise.all([
        import('../raw/store.js'),
        import('../raw/warc.js'),
        import('../attachments/manifest.js'),
        import('../attachments/warc.js'),
      ]);
      const store = await openRawStore(rawDir(flags.archive, flags.rawDir));
      const attachments = await readAttachmentManifest(flags.archive, '');
      if (store.entries().length === 0 && Object.keys(attachments.files).length === 0) {
        throw new UsageError(
          `no stored pages in ${store.dir} and no attachments in ${manifestFile(flags.archive)}: run cabsync sync --keep-raw or --attachments first`,
        );
      }
      const written = await exportWarc(store, file, attachmentResponses(flags.archive, attachments));
      process.stdout.write(
        `${written.file}: ${written.responses} response record${written.responses === 1 ? '' : 's'}\n`,
      );
    });
}
