import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { PageHints } from '../extract/extract.js';
import { ExitCode } from './exit-codes.js';

/** `cabsync convert <file.html|-> --url URL [--author NAME]`: the archive file of a saved page. */
export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('print the archive file (front matter and Markdown) of a saved post page')
    .argument('<file>', 'saved HTML page, or - to read standard input')
    .requiredOption('--url <url>', 'URL the page was fetched from (resolves relative links, gives the day)')
    .option('--author <name>', 'author of the post (post pages do not show it)')
    .action(async (file: string, options: { url: string; author?: string }) => {
      checkUrl(options.url);
      const html = await readPage(file);
      const { pageLimitBreach } = await import('../fetch/page-limits.js');
      const breach = pageLimitBreach(html);
      if (breach !== undefined) {
        process.stderr.write(`cabsync convert: ${file}: ${breach}\n`);
        process.exitCode = ExitCode.Failed;
        return;
      }
      const [{ extractPage }, { renderPage }] = await Promise.all([
        import('../extract/extract.js'),
        import('./render-page.js'),
      ]);
      const hints: PageHints = options.author === undefined ? {} : { author: options.author };
      const page = extractPage(html, options.url, hints);
      const { post, text } = renderPage(page);
      process.stdout.write(text);
      if (page.kind === 'failed') process.stderr.write(`cabsync convert: ${file}: ${page.reason}\n`);
      process.exitCode = post ? ExitCode.Ok : ExitCode.Failed;
    });
}

function checkUrl(url: string): void {
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--url: not an absolute URL: ${url}`);
  }
}

async function readPage(file: string): Promise<string> {
  try {
    return file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${file === '-' ? 'standard input' : file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
