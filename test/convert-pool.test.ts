import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertPage, type ConvertJob } from '../src/sync/convert-page.js';
import type { ConvertPool } from '../src/sync/convert-pool.js';
import { readListingJob, type ListingJob } from '../src/discover/listing.js';

const PAGES = new URL('../fixtures/pages/', import.meta.url).pathname;
const jobs: ConvertJob[] = readdirSync(PAGES)
  .filter((name) => name.endsWith('.html'))
  .map((name) => {
    const html = readFileSync(join(PAGES, name), 'utf8');
    const url = /saved from url=\(\d+\)(\S+)/.exec(html)?.[1] ?? `https://cabforum.org/fixtures/${name}/`;
    return { html, url, hints: { author: 'Corey Bonnell' } };
  });

// The built pool (npm test builds first): only compiled code can start worker threads.
const { createConvertPool } = (await import(new URL('../dist/src/sync/convert-pool.js', import.meta.url).href)) as {
  createConvertPool: (size?: number, options?: { timeoutMs?: number }) => ConvertPool;
};

describe('convert pool', () => {
  it('gives on worker threads exactly what in-process conversion gives', async () => {
    const pool = createConvertPool(2);
    try {
      const results = await Promise.all(jobs.map((job) => pool.convert(job)));
      expect(results).toEqual(jobs.map(convertPage));
      expect(results.filter((r) => r.extracted.kind === 'post').every((r) => r.markdown && r.compare)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('fails a page that takes too long, replaces the worker, and converts the next pages', async () => {
    // About 3 s of work against a 1 s limit; each fixture page takes milliseconds.
    const pool = createConvertPool(1, { timeoutMs: 1_000 });
    try {
      const huge = {
        html: `<html><body><main>${'<p>lorem ipsum dolor sit amet</p>'.repeat(400_000)}</main></body></html>`,
        url: 'https://cabforum.org/2024/01/02/huge/',
        hints: {},
      };
      const [slow, ...rest] = await Promise.allSettled([pool.convert(huge), ...jobs.map((job) => pool.convert(job))]);
      expect(slow).toMatchObject({
        status: 'rejected',
        reason: expect.objectContaining({ message: expect.stringMatching(/longer than 1000 ms/) }),
      });
      expect(rest.map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual(jobs.map(convertPage));
    } finally {
      await pool.close();
    }
  });

  it('reads listing pages on worker threads as in-process, and in-process with no workers', async () => {
    const html = readFileSync(new URL('../fixtures/hugo/public/posts/index.html', import.meta.url), 'utf8');
    const job: ListingJob = {
      html,
      url: 'https://cabforum.org/posts/',
      site: 'https://cabforum.org/',
      section: '/posts/',
    };
    const expected = readListingJob(job);
    expect(expected.entries.length).toBe(5);
    for (const size of [1, 0]) {
      const pool = createConvertPool(size);
      try {
        expect(await pool.listing(job)).toEqual(expected);
      } finally {
        await pool.close();
      }
    }
  });

  it.runIf(existsSync('/proc/thread-self'))(
    'runs its threads at a lower priority than the main thread (Linux)',
    async () => {
      const pool = createConvertPool(1);
      try {
        await pool.convert(jobs[0]!);
        // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value (after the parenthesised name).
        const nice = (tid: string): number =>
          Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
        const values = readdirSync('/proc/self/task').map(nice);
        expect(nice(String(process.pid))).toBe(0);
        expect(values).toContain(10);
      } finally {
        await pool.close();
      }
    },
  );

  it.runIf(existsSync('/proc/thread-self'))(
    'lowers every other thread of a process, and not the calling one (Linux)',
    () => {
      // In a process of its own: the change is process-wide. Prints [calling thread, others] nice values, before and after.
      const priority = new URL('../dist/src/sync/priority.js', import.meta.url).href;
      const script = `
      import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
      import { runOtherThreadsInBackground } from ${JSON.stringify(priority)};
      const own = readlinkSync('/proc/thread-self').split('/').pop();
      const nice = (tid) => Number(readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]);
      const read = () => { const others = readdirSync('/proc/self/task').filter((tid) => tid !== own); return [nice(own), others.length, [...new Set(others.map(nice))]]; };
      const before = read();
      runOtherThreadsInBackground();
      process.stdout.write(JSON.stringify({ before, after: read() }));`;
      const { before, after } = JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
      ) as Record<'before' | 'after', [number, number, number[]]>;
      expect(before[0]).toBe(0);
      expect(before[2]).toEqual([0]);
      expect(after[0]).toBe(0);
      expect(after[1]).toBeGreaterThan(0);
      expect(after[2]).toEqual([10]);
    },
  );

  it('converts in-process with no workers', async () => {
    const pool = createConvertPool(0);
    expect(await pool.convert(jobs[0]!)).toEqual(convertPage(jobs[0]!));
    await pool.close();
  });
});
