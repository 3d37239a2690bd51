import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { tempDir } from './helpers/tmp.js';
import { fixtureSite } from './helpers/site.js';
import { formatSummary } from '../src/report/summary.js';
import type { SyncReport } from '../src/report/report.js';

const SCRIPT = new URL('../scripts/scheduled-sync.sh', import.meta.url).pathname;
const WORKFLOW = new URL('../.github/workflows/sync.yml', import.meta.url).pathname;
const PACKAGE = new URL('../package.json', import.meta.url).pathname;

function runScript(
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('scheduled sync', () => {
  it('the workflow runs the script daily and on demand, and keeps the report', () => {
    const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
      on: Record<string, unknown>;
      jobs: { sync: { steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] } };
    };
    expect(Object.keys(workflow.on)).toEqual(['schedule', 'workflow_dispatch']);
    const steps = workflow.jobs.sync.steps;
    expect(steps.some((s) => s.run === 'npm ci')).toBe(true);
    expect(steps.some((s) => s.run === 'bash scripts/scheduled-sync.sh')).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith('actions/upload-artifact'))).toBe(true);
    expect(steps.some((s) => s.run?.includes('/enable'))).toBe(true);
    // The job runs on the current Node LTS; the package still promises Node 20.19 and later.
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with?.['node-version']).toBe(24);
    expect(JSON.parse(readFileSync(PACKAGE, 'utf8')).engines.node).toBe('>=20.19');
    expect(readFileSync(SCRIPT, 'utf8')).toMatch(/sync .*--attachments/);
  });

  it('commits a changed archive with the summary, then commits nothing when nothing changed', async () => {
    const repo = await tempDir('cabsync-repo-');
    git(repo, 'init', '--quiet', '--initial-branch=main');
    git(
      repo,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.org',
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      'start',
    );
    const site = await fixtureSite();
    const report = `${await tempDir()}/report.json`;
    const jobSummary = `${await tempDir()}/step-summary.md`;
    const env = {
      CABSYNC_SITE: site.url,
      CABSYNC_FLAGS: '--rate 0',
      CABSYNC_REPORT: report,
      GITHUB_STEP_SUMMARY: jobSummary,
    };

    const first = await runScript(repo, env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(git(repo, 'rev-list', '--count', 'HEAD')).toBe('2');
    const message = git(repo, 'log', '-1', '--format=%B');
    expect(message).toContain(`Sync ${site.url}`);
    expect(message).toContain(`${site.posts.length} added`);
    expect(message).toContain(site.posts[0]!.title);
    expect(git(repo, 'status', '--porcelain', '--', 'archive/posts', 'archive/files')).toBe('');
    const saved = JSON.parse(readFileSync(report, 'utf8')) as SyncReport;
    expect(saved.added).toHaveLength(site.posts.length);
    // The files the posts link are committed with their manifest; the summary says so.
    expect(saved.attachments?.added).toContain('files/uploads/CA-Browser-Forum-TLS-BR-2.1.7.pdf');
    expect(git(repo, 'ls-files', 'archive/files')).toContain('archive/files/manifest.json');
    expect(git(repo, 'ls-files', 'archive/files')).toContain('archive/files/uploads/CA-Browser-Forum-TLS-BR-2.1.7.pdf');
    expect(message).toContain('### Attachments added');
    // The job summary page gets the same summary as the commit body.
    const summary = readFileSync(jobSummary, 'utf8');
    expect(summary).toContain(`## Sync of ${site.url}`);
    expect(summary).toContain(formatSummary(saved).trim());

    const second = await runScript(repo, env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to commit');
    expect(git(repo, 'rev-list', '--count', 'HEAD')).toBe('2');
    // Each run appends its summary: the second says nothing was added.
    expect(readFileSync(jobSummary, 'utf8').match(/^## Sync of /gm)).toHaveLength(2);
    expect(readFileSync(jobSummary, 'utf8')).toMatch(/0 added, 0 updated/);
  });

  it('commits what it could, then fails the run when URLs failed', async () => {
    const repo = await tempDir('cabsync-repo-');
    git(repo, 'init', '--quiet', '--initial-branch=main');
    const site = await fixtureSite();
    const victim = site.posts[2]!;
    site.setFaults([{ path: `/${victim.date.slice(0, 10).replaceAll('-', '/')}/${victim.slug}/`, kind: 'wrong-type' }]);
    const result = await runScript(repo, {
      CABSYNC_SITE: site.url,
      CABSYNC_FLAGS: '--rate 0',
      CABSYNC_REPORT: `${await tempDir()}/r.json`,
    });
    expect(result.code).toBe(1);
    expect(git(repo, 'log', '-1', '--format=%B')).toContain(`${site.posts.length - 1} added`);
  });
});
