#!/usr/bin/env node
// Wiring only: each command lives in src/commands/ and calls library functions.
import { Command, CommanderError } from 'commander';
import { VERSION } from './version.js';
import { ExitCode } from './commands/exit-codes.js';
import { registerVerify } from './commands/verify.js';
import { registerConvert } from './commands/convert.js';
import { registerSync } from './commands/sync.js';
import { registerFetch } from './commands/fetch.js';
import { registerDiff } from './commands/diff.js';
import { registerReport } from './commands/report.js';
import { registerReprocess } from './commands/reprocess.js';
import { registerExportWarc } from './commands/export-warc.js';

const program = new Command('cabsync')
  .description('Keep a Markdown archive of cabforum.org posts in step with the live site')
  .version(VERSION, '-V, --version')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

registerSync(program);
registerFetch(program);
registerDiff(program);
registerReport(program);
registerReprocess(program);
registerExportWarc(program);
registerConvert(program);
registerVerify(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; real usage errors get exit 2.
    process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  } else {
    process.stderr.write(`cabsync: ${error instanceof Error ? error.message : String(error)}\n`);
    // Typed errors carry their exit code; anything else is a failure, not a usage error.
    process.exitCode = (error as { exitCode?: number }).exitCode ?? ExitCode.Failed;
  }
}
