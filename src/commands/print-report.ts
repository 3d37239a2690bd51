import { formatSummary } from '../report/summary.js';
import { reportExitCode, type SyncReport } from '../report/report.js';
import { ExitCode } from './exit-codes.js';

/** Prints a report as the sync, fetch and reprocess commands do, and sets the exit code. */
export function printReport(report: SyncReport, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatSummary(report));
  process.exitCode = reportExitCode(report) === 0 ? ExitCode.Ok : ExitCode.Failed;
}
