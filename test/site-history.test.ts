// Site history: the archive kept by scheduled (incremental) syncs must, after any history of changes
// to the site, equal what a fresh full sync of the site as it now stands writes. A private copy of the
// Hugo fixture site is edited the way cabforum.org's maintainers edit theirs (docs/design.md, "When the
// site changes"), rebuilt with Hugo and redeployed at the same URL
// with GitHub Pages validators (every file a new ETag and Last-Modified on every deploy).
//
// Each step: change the sources, rebuild, redeploy, run the scheduled sync into archive A (up to
// SCHEDULED_RUNS times, stopping once the invariant holds), sync the site afresh (`full`) into an empty
// archive B, and check: A ≡ B (compareArchives), `cabsync verify` finds nothing in A, every scheduled
// run on a healthy site exits 0, and no archive file of a post the step did not touch changed bytes.
// Failures are collected per step (expect.soft) so one run of the test shows every step's differences.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportExitCode, type SyncReport } from '../src/report/report.js';
import { sync } from '../src/sync/sync.js';
import {
  archivedPathOf,
  archivePosts,
  changedFiles,
  compareArchives,
  createHugoSite,
  hugoStatus,
  IN_CI,
  serveHugoBuild,
  verifyProblems,
  type HugoServer,
  type HugoSite,
  type SiteFault,
} from './helpers/hugo-history.js';
import { syncOptions } from './helpers/site.js';
import { tempDir } from './helpers/tmp.js';

/** Scheduled runs allowed per step for the archive to catch up (a week of daily runs). */
const SCHEDULED_RUNS = 7;

const HUGO = hugoStatus();
if (!HUGO.ok && !IN_CI) console.warn(`test/site-history.test.ts skipped: ${HUGO.why}`);

interface StepContext {
  hugo: HugoSite;
  /** The scheduled archive. */
  archive: string;
  /** Archive paths (of A) of posts deleted upstream so far: the only files A may hold and B not. */
  deleted: string[];
}

interface Step {
  name: string;
  /** Titles (old and new) of the posts the step changes: only their archive files may change. */
  touches: string[];
  apply(ctx: StepContext): Promise<void>;
  /** A fault the site has during the step's first scheduled run only. */
  fault?: SiteFault;
  /** Extra checks of the run made during the fault: problems, one line each. */
  checkFaultRun?(report: SyncReport, stateBefore: StateUrls, stateAfter: StateUrls): string[];
}

type StateUrls = Record<string, { path?: string }>;

const LONG = '2022-11-03 Minutes of the Code Signing Certificate Working Group';
const LONG_NEW = '2022-11-03 Minutes of the Code Signing Certificate Working Group Teleconference';
const SHORT = 'Ballot SC-070: Clarify the Use of DTPs for Domain Validation';
const SHORT_NEW = 'Ballot SC-070 (Withdrawn): Clarify the Use of DTPs for Domain Validation';
const REDATED = "The Chair's Report to the 2019 Annual Meeting";
const EDITED = 'Version 1.3 of the EV Guidelines';
const EDITED_LASTMOD = 'Ballot 193 – 825-day Certificate Lifetimes';
const RETAGGED = 'Code Signing Baseline Requirements Published';
const DELETED = 'What Is an EV Certificate?';
const ADDED = [
  {
    title: 'Ballot SC-090: S/MIME & Code Signing Revocation Alignment',
    date: '2024-06-10',
    author: 'Corey Bonnell',
    tags: ['Ballots', 'S/MIME', 'Code Signing'],
  },
  {
    title: 'Q&A: CA/Browser Forum Membership for Certificate Consumers',
    date: '2024-06-12',
    author: 'Dimitris Zacharopoulos',
    tags: ['Statements'],
  },
  {
    title: 'Minutes: Server Certificate WG & Validation Subcommittee',
    date: '2024-06-14',
    author: 'Inigo Barreira',
    tags: ['Minutes', 'Server Certificate'],
  },
];
const ADDED_IN_LISTING_OUTAGE = {
  title: 'Ballot NS-005: Network & System Security Requirements Update',
  date: '2024-06-20',
  author: 'David Kluge',
  tags: ['Ballots', 'Network Security'],
};
const ADDED_IN_FEED_OUTAGE = {
  title: 'Version 1.0.5 of the S/MIME Baseline Requirements',
  date: '2024-06-25',
  author: 'Stephen Davidson',
  tags: ['S/MIME'],
};

const handleOf = async (hugo: HugoSite, title: string): Promise<string> => (await hugo.byTitle(title)).handle;
const bodyFor = (title: string): string =>
  `The Forum published "${title}".\n\nDiscussion took place on the [public list](https://lists.cabforum.org/pipermail/public/) and at the [working group page](/working-groups/).\n`;

const STEPS: Step[] = [
  {
    name: 'retitle a long post, keeping the old permalink as an alias',
    touches: [LONG, LONG_NEW],
    apply: async ({ hugo }) => hugo.retitle(await handleOf(hugo, LONG), LONG_NEW, { keepAlias: true }),
  },
  {
    name: 'retitle a short post ("This ballot was withdrawn.") without an alias',
    touches: [SHORT, SHORT_NEW],
    apply: async ({ hugo }) => hugo.retitle(await handleOf(hugo, SHORT), SHORT_NEW),
  },
  {
    name: "move a post's date by one day",
    touches: [REDATED],
    apply: async ({ hugo }) => hugo.moveDate(await handleOf(hugo, REDATED), 1),
  },
  {
    name: "edit an old post's body without lastmod",
    touches: [EDITED],
    apply: async ({ hugo }) =>
      hugo.editBody(await handleOf(hugo, EDITED), {
        append:
          'Update: version 1.3 has since been superseded; the current version is on the [documents page](/resources/).',
      }),
  },
  {
    name: "edit a post's body with lastmod",
    touches: [EDITED_LASTMOD],
    apply: async ({ hugo }) =>
      hugo.editBody(
        await handleOf(hugo, EDITED_LASTMOD),
        { replace: 'Results: 24 of 24 voting CAs', with: 'Results: 23 of 24 voting CAs' },
        { lastmod: '2024-06-03T10:00:00+00:00' },
      ),
  },
  {
    name: 'change the tags and author of a post',
    touches: [RETAGGED],
    apply: async ({ hugo }) => {
      const handle = await handleOf(hugo, RETAGGED);
      await hugo.setTags(handle, ['Code Signing', 'Guidelines', 'Announcements']);
      await hugo.setAuthor(handle, 'Dean Coclin');
    },
  },
  {
    name: 'delete a post',
    touches: [DELETED],
    apply: async (ctx) => {
      const path = await archivedPathOf(ctx.archive, DELETED);
      if (path === undefined)
        throw new Error(`the scheduled archive has no file titled ${JSON.stringify(DELETED)} before its deletion`);
      ctx.deleted.push(path);
      await ctx.hugo.deletePost(await handleOf(ctx.hugo, DELETED));
    },
  },
  {
    name: 'add posts with "/", "&" and ":" in their titles',
    touches: ADDED.map((p) => p.title),
    apply: async ({ hugo }) => {
      for (const post of ADDED) await hugo.addPost({ ...post, body: bodyFor(post.title) });
    },
  },
  {
    name: 'listing down for one run while a post is added',
    touches: [ADDED_IN_LISTING_OUTAGE.title],
    fault: 'listing-down',
    apply: async ({ hugo }) =>
      void (await hugo.addPost({ ...ADDED_IN_LISTING_OUTAGE, body: bodyFor(ADDED_IN_LISTING_OUTAGE.title) })),
    checkFaultRun: (report, before, after) => [...notMarkedMissing(report), ...forgotten(before, after)],
  },
  {
    name: 'feed down for one run while a post is added',
    touches: [ADDED_IN_FEED_OUTAGE.title],
    fault: 'feed-down',
    apply: async ({ hugo }) =>
      void (await hugo.addPost({ ...ADDED_IN_FEED_OUTAGE, body: bodyFor(ADDED_IN_FEED_OUTAGE.title) })),
    checkFaultRun: (report, before, after) => [...notMarkedMissing(report), ...forgotten(before, after)],
  },
  {
    name: 'sitemap cut short for one run',
    touches: [],
    fault: 'sitemap-cut',
    apply: async () => {},
    checkFaultRun: (report, before, after) => {
      const problems: string[] = [];
      if (reportExitCode(report) !== 1) problems.push(`exit code ${reportExitCode(report)}, expected 1`);
      if (!report.failed.some((f) => new URL(f.url).pathname === '/sitemap.xml'))
        problems.push(`the sitemap is not in report.failed: ${JSON.stringify(report.failed)}`);
      if (report.missingUpstream !== null && report.missingUpstream.length > 0)
        problems.push(`missingUpstream is ${JSON.stringify(report.missingUpstream)}, expected null or []`);
      return [...problems, ...forgotten(before, after)];
    },
  },
];

/** A run during an outage may leave missing upstream unchecked, but must never mark a post missing. */
function notMarkedMissing(report: SyncReport): string[] {
  return report.missingUpstream && report.missingUpstream.length > 0
    ? [`missingUpstream during the outage: ${JSON.stringify(report.missingUpstream)}`]
    : [];
}

/** Posts the state knew (URL with an archive path) before a faulty run and not after. */
function forgotten(before: StateUrls, after: StateUrls): string[] {
  return Object.entries(before)
    .filter(([url, entry]) => entry.path !== undefined && after[url]?.path === undefined)
    .map(([url, entry]) => `the state forgot ${url} (was ${entry.path})`);
}

async function stateUrls(archive: string): Promise<StateUrls> {
  const text = await readFile(join(archive, '.cabsync', 'state.json'), 'utf8').catch(() => '{"urls":{}}');
  return (JSON.parse(text) as { urls?: StateUrls }).urls ?? {};
}

function runLine(report: SyncReport): string {
  return `exit ${reportExitCode(report)}, failed ${JSON.stringify(report.failed)}, heldBack ${JSON.stringify(report.heldBack.map((h) => `${h.path}: ${h.shrank.join(', ')}`))}`;
}

/** A step's problems, each with a key that does not name run numbers, so one the step before reported can be left out. */
class Findings {
  private readonly items: { key: string; text: string }[] = [];

  add(key: string, text = key): void {
    this.items.push({ key, text });
  }

  keys(): Set<string> {
    return new Set(this.items.map((item) => item.key));
  }

  /** One line (a body diff: a block) per problem not reported by the step before, and how many were. */
  render(before: Set<string>): string {
    const fresh = this.items.filter((item) => !before.has(item.key));
    const carried = this.items.length - fresh.length;
    const lines = fresh.map((item) => item.text);
    if (carried > 0 && lines.length > 0) lines.push(`(and ${carried} problems the step before reported, still there)`);
    return lines.join('\n');
  }
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

describe.skipIf(!HUGO.ok && !IN_CI)('site history on the Hugo fixture site', () => {
  it('keeps the scheduled archive equal to a fresh full sync through retitles, redates, edits, deletions, additions and outages', async () => {
    if (!HUGO.ok) throw new Error(`${HUGO.why}. CI is set: tests that need Hugo fail instead of skipping.`);
    const started = Date.now();
    const hugo = await createHugoSite();
    // The short post step 2 retitles: nothing but one sentence for a content match to go on.
    await hugo.addPost({
      title: SHORT,
      date: '2024-02-15',
      author: 'Clint Wilson',
      tags: ['Ballots', 'Server Certificate'],
      body: 'This ballot was withdrawn.\n',
    });
    const buildTimes: number[] = [];
    const first = await hugo.build();
    buildTimes.push(first.ms);
    const server: HugoServer = await serveHugoBuild(first.dir);
    const archive = await tempDir('cabsync-scheduled-');
    const ctx: StepContext = { hugo, archive, deleted: [] };

    /** A fresh full sync of the site as it stands, into an empty archive. */
    const freshSync = async (): Promise<{ dir: string; report: SyncReport }> => {
      const dir = await tempDir('cabsync-fresh-');
      return { dir, report: await sync(syncOptions(server.url, dir, { full: true })) };
    };

    // Step 0: the first scheduled sync of an empty archive is a fresh sync too.
    const initial = await sync(syncOptions(server.url, archive));
    expect(
      { exit: reportExitCode(initial), failed: initial.failed, heldBack: initial.heldBack },
      'initial scheduled sync',
    ).toEqual({ exit: 0, failed: [], heldBack: [] });
    const baseline = await freshSync();
    expect
      .soft((await compareArchives(archive, baseline.dir)).join('\n'), 'step 0 (initial sync): incremental ≠ fresh')
      .toBe('');

    // What the step before already reported is not repeated (one divergence would otherwise show in every later step).
    let reportedBefore = new Set<string>();
    const timings: string[] = [];
    for (const [i, step] of STEPS.entries()) {
      const label = `step ${i + 1} (${step.name})`;
      const stepStarted = Date.now();
      const found = new Findings();
      const before = await archivePosts(archive);

      await step.apply(ctx);
      const build = await hugo.build();
      buildTimes.push(build.ms);
      server.deploy(build.dir);
      if (step.fault) server.setFault(step.fault);

      const runs: SyncReport[] = [];
      const scheduled = async (): Promise<SyncReport> => {
        const report = await sync(syncOptions(server.url, archive));
        runs.push(report);
        return report;
      };
      if (step.fault) {
        const stateBefore = await stateUrls(archive);
        const mark = server.site.log.length;
        const report = await scheduled();
        // A run that never met the fault tests nothing: say so rather than pass quietly.
        const log = server.site.log.slice(mark);
        const met = log.filter((e) =>
          step.fault === 'sitemap-cut' ? e.path === '/sitemap.xml' && e.status === 200 : e.fault !== undefined,
        );
        if (met.length === 0)
          found.add(
            `run 1 never met the fault ${step.fault}: requests ${log.map((e) => `${e.path} ${e.status}`).join(', ')}`,
          );
        for (const problem of step.checkFaultRun?.(report, stateBefore, await stateUrls(archive)) ?? [])
          found.add(`run 1 (during ${step.fault}): ${problem}`);
        server.setFault(undefined);
      } else {
        await scheduled();
      }
      const fresh = await freshSync();
      if (reportExitCode(fresh.report) !== 0)
        found.add(`the fresh sync itself did not succeed: ${runLine(fresh.report)}`);

      // Only the files of posts the site deleted may be in A and not in B; that the report says
      // exactly those are missing upstream is checked below, run by run.
      let differences = await compareArchives(archive, fresh.dir, { missingUpstream: ctx.deleted });
      // After an outage, at least one run on the healthy site.
      const minimum = step.fault ? 2 : 1;
      while ((differences.length > 0 || runs.length < minimum) && runs.length < SCHEDULED_RUNS) {
        await scheduled();
        differences = await compareArchives(archive, fresh.dir, { missingUpstream: ctx.deleted });
      }

      // Every run on a healthy site exits 0 and says missing upstream exactly what the site deleted.
      const perRun = new Map<string, number[]>();
      for (const [n, report] of runs.entries()) {
        if (n === 0 && step.fault) continue;
        const lines: string[] = [];
        if (reportExitCode(report) !== 0) lines.push(runLine(report));
        if (report.missingUpstream !== null && !sameSet(report.missingUpstream, ctx.deleted)) {
          lines.push(
            `missingUpstream ${JSON.stringify(report.missingUpstream)}, expected ${JSON.stringify(ctx.deleted)}`,
          );
        }
        for (const line of lines) perRun.set(line, [...(perRun.get(line) ?? []), n + 1]);
      }
      for (const [line, numbers] of perRun)
        found.add(line, `${numbers.length === 1 ? 'run' : 'runs'} ${numbers.join(', ')}: ${line}`);
      for (const difference of differences)
        found.add(
          `incremental ≠ fresh: ${difference}`,
          `incremental ≠ fresh after ${runs.length} scheduled runs: ${difference}`,
        );
      for (const problem of await verifyProblems(archive)) found.add(`verify: ${problem}`);

      // No churn: only the files of the posts this step touched may change. A file of another post
      // that now equals the fresh sync's caught up with an earlier step (reported there), not churn.
      const after = await archivePosts(archive);
      const freshPosts = await archivePosts(fresh.dir);
      for (const change of changedFiles(before, after)) {
        if (change.titles.some((title) => step.touches.includes(title))) continue;
        if (change.change !== 'removed' && after.get(change.path) === freshPosts.get(change.path)) continue;
        found.add(`churn: ${change.change} ${change.path} (${change.titles.join(' → ')})`);
      }
      for (const path of ctx.deleted) {
        if (before.has(path) && after.get(path) !== before.get(path))
          found.add(
            `deleted upstream, so the archive must keep it as it was: ${path} ${after.has(path) ? 'changed' : 'removed'}`,
          );
      }

      timings.push(`${label}: ${runs.length} scheduled runs, ${Date.now() - stepStarted} ms`);
      expect.soft(found.render(reportedBefore), label).toBe('');
      reportedBefore = found.keys();
    }
    const last = await compareArchives(archive, (await freshSync()).dir, { missingUpstream: ctx.deleted });
    expect(last.join('\n'), 'after the whole history: incremental ≠ fresh').toBe('');
    if (process.env.SITE_HISTORY_VERBOSE) {
      const builds = buildTimes.map((ms) => Math.round(ms)).join(', ');
      console.info(
        `site history (${HUGO.version}): Hugo builds ${builds} ms; total ${Date.now() - started} ms\n${timings.join('\n')}`,
      );
    }
  }, 240_000);
});
