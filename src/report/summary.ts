import type { SyncReport } from './report.js';
import { printableDeep } from './printable.js';
import { formatHealth } from '../health/health.js';
import { attachmentSections, attachmentsLine } from '../attachments/report.js';

/** The short Markdown-friendly summary a sync prints (and the scheduled workflow uses as its commit body). */
export function formatSummary(unsafe: SyncReport): string {
  const report = printableDeep(unsafe);
  const titles = new Map(report.changes.map((c) => [c.path, c.title]));
  const lines: string[] = [];
  const verb = report.dryRun ? 'would be ' : '';
  lines.push(
    `cabsync ${report.command} ${report.id}${report.dryRun ? ' (dry run)' : ''}: ${report.discovered} discovered, ` +
      `${report.added.length} ${verb}added, ${report.updated.length} ${verb}updated, ${report.unchanged} unchanged, ` +
      `${report.missingUpstream === null ? 'missing upstream not checked' : `${report.missingUpstream.length} missing upstream`}, ${report.failed.length} failed` +
      `${(report.heldBack?.length ?? 0) > 0 ? `, ${report.heldBack.length} held back` : ''} ` +
      `(${report.requests.total} requests, ${report.requests.notModified} not modified, ${formatBytes(report.requests.bytes)})`,
  );
  if (report.coverage) {
    const { listed, archived } = report.coverage;
    lines.push(
      `coverage: the listing names ${listed} posts; the archive has ${archived} of them${listed === archived ? '' : ` (${listed - archived} missing)`}`,
    );
  } else if (report.command === 'sync') lines.push('coverage: not checked (the listing could not be read)');
  if (report.missingUpstream === null && report.missingUpstreamNotChecked)
    lines.push(`missing upstream: not checked (${report.missingUpstreamNotChecked})`);
  if (report.revalidation && report.revalidation.share > 0)
    lines.push(revalidationLine(report.revalidation, report.finishedAt));
  if ((report.notPosts ?? 0) > 0)
    lines.push(`${report.notPosts} pages discovered are no posts (static, listing and taxonomy pages)`);
  if (report.attachments) lines.push(attachmentsLine(report.attachments, report.dryRun));
  const section = (heading: string, items: string[]): void => {
    if (items.length === 0) return;
    lines.push('', `### ${heading}`, '', ...items.map((item) => `- ${item}`));
  };
  section(
    'Added',
    report.added.map((p) => `${titles.get(p) ?? p} (${p})`),
  );
  section(
    'Updated',
    report.updated.map((p) => `${titles.get(p) ?? p} (${p})`),
  );
  section(
    'Renamed (the site retitled or re-dated the post)',
    (report.renamed ?? []).map((r) => `${r.from} → ${r.to}`),
  );
  section('Missing upstream', report.missingUpstream ?? []);
  section(
    'Failed',
    report.failed.map((f) => `${f.url}: ${f.error}`),
  );
  section(
    'Held back (the archive kept its version; --accept-shrink takes the page)',
    (report.heldBack ?? []).map((h) => `${h.path} (${h.url}): ${h.shrank.join('; ')}`),
  );
  for (const [heading, items] of report.attachments ? attachmentSections(report.attachments) : [])
    section(heading, items);
  section(
    'Malformed archive files (left untouched)',
    report.malformed.map((m) => `${m.path}: ${m.reason}`),
  );
  section('Warnings', [...report.warnings, ...formatHealth(report.health)]);
  return `${lines.join('\n')}\n`;
}

function revalidationLine(revalidation: NonNullable<SyncReport['revalidation']>, now: string): string {
  const share = revalidation.share;
  const runs = Math.round(1 / share);
  const shareText = Math.abs(1 / runs - share) < 1e-9 ? `1/${runs}` : `${(share * 100).toFixed(0)}%`;
  const age =
    revalidation.oldestCheckedAt === undefined
      ? undefined
      : (Date.parse(now) - Date.parse(revalidation.oldestCheckedAt)) / 86_400_000;
  const oldest =
    age === undefined || Number.isNaN(age)
      ? ''
      : `; oldest check ${age < 1 ? 'less than a day' : `${Math.floor(age)} days`} ago (${revalidation.oldestCheckedAt})`;
  return `revalidated ${revalidation.revalidated} posts (${shareText} a run)${oldest}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
