import type { Command } from 'commander';
import { ExitCode } from './exit-codes.js';

/** `cabsync verify`: load the archive and report what is wrong with it. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check the archive: malformed files, duplicate posts, misnamed files, mirrored attachments')
    .option('--archive <dir>', 'archive folder', './archive')
    .option('--json', 'print the problems as JSON')
    .action(async (options: { archive: string; json?: boolean }) => {
      const [{ loadArchive }, { formatProblem, verifyArchive }, { verifyAttachments }] = await Promise.all([
        import('../archive/load.js'),
        import('../archive/verify.js'),
        import('../attachments/verify.js'),
      ]);
      const index = await loadArchive(options.archive);
      const problems = [...verifyArchive(index), ...(await verifyAttachments(options.archive, index))];
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ archive: options.archive, posts: index.entries.length, problems }, null, 2)}\n`,
        );
      } else {
        for (const problem of problems) process.stdout.write(`${formatProblem(problem)}\n`);
        process.stdout.write(
          `${index.entries.length} posts, ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`,
        );
      }
      process.exitCode = problems.length > 0 ? ExitCode.Failed : ExitCode.Ok;
    });
}
