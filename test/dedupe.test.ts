import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildIndex, loadArchive, type ArchiveEntry } from '../src/archive/load.js';
import { parsePost, serializePost, type FrontMatter, type Post } from '../src/archive/post.js';
import { FINGERPRINT, signatureOf, similarity, wordsOf } from '../src/dedupe/fingerprint.js';
import {
  addToDedupeIndex,
  buildDedupeIndex,
  findSame,
  mergePost,
  nextFreePath,
  normalizeForCompare,
  type Incoming,
} from '../src/dedupe/index.js';
import { mergeBody } from '../src/dedupe/merge.js';
import { REWRITES } from '../src/dedupe/normalize.js';
import { revealedAliases } from '../src/site/index.js';

const SEED_000 = 'posts/2022/2022-11-03-2022-11-03-minutes-of-the-code-signing-certificate-working-group.md';
const SEED_000_TITLE = '2022-11-03 Minutes of the Code Signing Certificate Working Group';
const SEED_000_URL =
  'https://cabforum.org/2022/11/03/2022-11-03-minutes-of-the-code-signing-certificate-working-group/';
const PR_URL = 'https://github.com/cabforum/code-signing/pull/12';
const BRANCH_URL = 'https://github.com/cabforum/code-signing/tree/importTLSBRrefs';

function seedText(): string {
  return readFileSync(new URL(`../archive/${SEED_000}`, import.meta.url), 'utf8');
}

function parsed(text: string): Post {
  const result = parsePost(text);
  if (!result.ok) throw new Error(result.reason);
  return result.post;
}

/** What the new converter makes of the live page of seed 000: clean headings, the URLs, a final newline. */
function liveBodyOfSeed000(): string {
  return `${parsed(seedText())
    .body.replace(/ +$/gm, '')
    .replace('PR ()', `PR (${PR_URL})`)
    .replace('GitHub()', `GitHub(${BRANCH_URL})`)}\n`;
}

/** A page as the sync hands it to dedupe; its alias paths are keyed as the sync keys them (revealedAliases). */
function incoming(
  body: string,
  overrides: Partial<Omit<Incoming, 'aliases'>> & { aliases?: string[] } = {},
  frontMatter: FrontMatter = {},
): Incoming {
  const title = overrides.title ?? SEED_000_TITLE;
  const canonicalUrl = overrides.canonicalUrl ?? SEED_000_URL;
  return {
    post: {
      frontMatter: { date: '2022-11-03 17:00:00', tags: ['Code Signing'], title, type: 'post', ...frontMatter },
      body,
    },
    day: '2022-11-03',
    title,
    ...overrides,
    canonicalUrl,
    aliases: revealedAliases(canonicalUrl, overrides.aliases ?? []),
  };
}

function entry(path: string, day: string, title: string, body: string, extra: FrontMatter = {}): ArchiveEntry {
  return { path, day, title, post: { frontMatter: { ...extra, date: `${day} 17:00:00`, title, type: 'post' }, body } };
}

const ATTENDEES =
  'Andrea Holland, Atsushi Inaba, Bruce Morton, Corey Bonnell, Dean Coclin, Dimitris Zacharopoulos, Ian McMillan, ' +
  'Inigo Barreira, Janet Hines, Martijn Katerbarg, Mohit Kumar, Roberto Quiñones, Tim Crawford, Tim Hollebeek, Tomas Gustavsson';

/** A CSCWG minutes body: the same attendees, agenda headings and boilerplate every week; only the discussion differs. */
function minutes(discussion: string[]): string {
  return [
    '',
    '## Attendees',
    '',
    ATTENDEES,
    '',
    '## Minutes',
    '',
    'Dean read the antitrust statement.',
    '',
    'Minutes from the last meeting were approved and will be posted to the public list.',
    '',
    '### Ballot status',
    '',
    ...discussion.flatMap((p) => [p, '']),
    '### Other business',
    '',
    'There was no other business; the meeting was adjourned.',
    '',
  ].join('\n');
}

const WEEK_1 = minutes([
  'Bruce said that he received no further feedback on the signing service ballot and would like to push it to voting. Tim and Ian offered to review and endorse, barring any issues found.',
  'Dimitris mentioned that ETSI has guidance for remote QSCDs and asked whether the group should incorporate compatible criteria instead of requiring a separate audit regime.',
  'Ian asked if there are any ISO standards for cloud services. Tim said cloud services generally get the 2000-level security audit.',
]);
const WEEK_2 = minutes([
  'Corey presented the draft of the invalidity date ballot; Rob Stradling of Sectigo is willing to endorse the latest version.',
  'Martijn gave an update on the malware revocation proposal and will circulate the revised text on the list before the next call.',
  'Janet raised the timestamping authority key protection question, which was deferred until the signing service ballot completes.',
]);

describe('merging seed 000 with its live page', () => {
  it('adds exactly the two lost URLs and changes no other byte', async () => {
    const archive = buildDedupeIndex(await loadArchive(new URL('../archive', import.meta.url).pathname));
    const page = incoming(
      liveBodyOfSeed000(),
      {},
      { aliases: ['/2022/11/03/2022-11-03-minutes-of-the-code-signing-certificate-working-group/'] },
    );
    const match = findSame(archive, page);
    expect(match?.entry.path).toBe(SEED_000);
    expect(match?.reason).toBe('url');
    const result = mergePost(match!.entry.post, page);
    if (result.kind !== 'updated') throw new Error('expected an update');
    const expected = seedText().replace('PR ()', `PR (${PR_URL})`).replace('GitHub()', `GitHub(${BRANCH_URL})`);
    expect(serializePost(result.post)).toBe(expected);
    expect(result.retitled).toBe(false);
  });

  it('writes nothing when the live page has only the format differences', () => {
    const body = `${parsed(seedText()).body.replace(/ +$/gm, '')}\n`;
    expect(mergePost(parsed(seedText()), incoming(body))).toEqual({ kind: 'unchanged' });
  });
});

describe('findSame', () => {
  const seed = entry(SEED_000, '2022-11-03', SEED_000_TITLE, parsed(seedText()).body, {
    aliases: ['/2022-11-03-2022-11-03-minutes-of-the-code-signing-certificate-working-group/'],
  });
  const dindex = () =>
    buildDedupeIndex(
      buildIndex('/archive', [seed, entry('posts/2022/2022-11-10-w.md', '2022-11-10', 'Other', WEEK_2)]),
    );

  it('matches by an alias path, slash and case variants included', () => {
    const page = incoming('x', {
      canonicalUrl: 'https://cabforum.org/new/place/',
      aliases: ['/2022-11-03-2022-11-03-Minutes-of-the-code-signing-certificate-working-group'],
    });
    expect(findSame(dindex(), page)).toMatchObject({ entry: seed, reason: 'url' });
  });

  it('matches by day and normalized title', () => {
    const page = incoming('x', {
      canonicalUrl: 'https://cabforum.org/p/1/',
      title: '2022-11-03: minutes of the Code-Signing Certificate Working Group',
    });
    expect(findSame(dindex(), page)).toMatchObject({ entry: seed, reason: 'date-title' });
  });

  it('matches by normalized content within a day, whatever the title', () => {
    const body = parsed(seedText())
      .body.replace(/^## (.*?) $/gm, '$1\n---')
      .replaceAll(' - ', ' – ');
    const page = incoming(body, { canonicalUrl: 'https://cabforum.org/p/2/', title: 'Renamed', day: '2022-11-04' });
    expect(findSame(dindex(), page)).toMatchObject({ entry: seed, reason: 'content' });
  });

  it('matches identical content under the same title on another day, but not a recurring text with another title', () => {
    const body = parsed(seedText()).body;
    const moved = incoming(body, { canonicalUrl: 'https://cabforum.org/p/5/', title: seed.title, day: '2023-01-01' });
    expect(findSame(dindex(), moved)).toMatchObject({ entry: seed, reason: 'content' });
    const recurring = incoming(body, {
      canonicalUrl: 'https://cabforum.org/p/6/',
      title: '2022-12-01 Minutes',
      day: '2022-12-01',
    });
    expect(findSame(dindex(), recurring)).toBeUndefined();
  });

  it('matches a near-duplicate in another format on the next day', () => {
    const body = rewrap(liveBodyOfSeed000().replaceAll("'", '’').replaceAll('Dean read', 'Dean Coclin read'), 60);
    const page = incoming(body, {
      canonicalUrl: 'https://cabforum.org/p/3/',
      title: 'CSCWG minutes, 3 November 2022',
      day: '2022-11-04',
    });
    expect(findSame(dindex(), page)).toMatchObject({ entry: seed, reason: 'near-duplicate' });
  });

  it('does not match the same near-duplicate three days later', () => {
    const page = incoming(`${liveBodyOfSeed000()}\nAdded.\n`, {
      canonicalUrl: 'https://cabforum.org/p/4/',
      title: 'Late copy',
      day: '2022-11-06',
    });
    expect(findSame(dindex(), page)).toBeUndefined();
  });

  it('never merges minutes of one group a week apart that share only boilerplate', () => {
    const weekly = buildDedupeIndex(
      buildIndex('/archive', [
        entry('posts/2022/2022-11-03-a.md', '2022-11-03', '2022-11-03 Minutes of the CSCWG', WEEK_1),
      ]),
    );
    const page = incoming(WEEK_2, {
      canonicalUrl: 'https://cabforum.org/2022/11/10/b/',
      title: '2022-11-10 Minutes of the CSCWG',
      day: '2022-11-10',
    });
    expect(findSame(weekly, page)).toBeUndefined();
    // Even on one day the shared boilerplate stays far below the threshold.
    expect(
      similarity(
        signatureOf(wordsOf(normalizeForCompare(WEEK_1)))!,
        signatureOf(wordsOf(normalizeForCompare(WEEK_2)))!,
      ),
    ).toBeLessThan(FINGERPRINT.nearDuplicateThreshold / 2);
  });

  it('never merges boilerplate-only minutes a week apart, however alike', () => {
    const quiet = minutes(['No updates on the open ballots this week.']);
    const weekly = buildDedupeIndex(
      buildIndex('/archive', [
        entry('posts/2022/2022-11-03-a.md', '2022-11-03', '2022-11-03 Minutes of the CSCWG', quiet),
      ]),
    );
    const page = incoming(minutes(['No updates on the open ballots this time.']), {
      canonicalUrl: 'https://cabforum.org/b/',
      title: '2022-11-10 Minutes of the CSCWG',
      day: '2022-11-10',
    });
    // The text alone is about as alike as one post in two formats (within the estimate's error of the
    // threshold): the date guard is what keeps them apart.
    expect(
      similarity(
        signatureOf(wordsOf(normalizeForCompare(quiet)))!,
        signatureOf(wordsOf(normalizeForCompare(page.post.body)))!,
      ),
    ).toBeGreaterThanOrEqual(FINGERPRINT.nearDuplicateThreshold - 0.05);
    expect(findSame(weekly, page)).toBeUndefined();
  });

  it('does not match on an empty canonical URL', () => {
    const rooted = buildDedupeIndex(
      buildIndex('/archive', [entry('posts/2022/2022-11-03-a.md', '2022-11-03', 'A', WEEK_1, { aliases: ['/'] })]),
    );
    expect(findSame(rooted, incoming('x', { canonicalUrl: '', title: 'B' }))).toBeUndefined();
    expect(
      findSame(
        rooted,
        incoming('x', { canonicalUrl: 'https://cabforum.org/', aliases: ['', '/index.html'], title: 'B' }),
      ),
    ).toBeUndefined();
    // The same archive post is found at once by a real alias: the URL step itself works here.
    const aliased = buildDedupeIndex(
      buildIndex('/archive', [
        entry('posts/2022/2022-11-03-a.md', '2022-11-03', 'A', WEEK_1, { aliases: ['/', '/old-a/'] }),
      ]),
    );
    expect(findSame(aliased, incoming('x', { canonicalUrl: '', aliases: ['/old-a/'], title: 'B' }))?.reason).toBe(
      'url',
    );
  });

  it('does not merge two different posts of the same day with different titles', () => {
    const sameDay = buildDedupeIndex(
      buildIndex('/archive', [
        entry('posts/2022/2022-11-03-a.md', '2022-11-03', '2022-11-03 Minutes of the CSCWG', WEEK_1),
      ]),
    );
    const page = incoming(WEEK_2, {
      canonicalUrl: 'https://cabforum.org/2022/11/03/b/',
      title: '2022-11-03 Minutes of the SCWG',
    });
    expect(findSame(sameDay, page)).toBeUndefined();
  });

  it('does not match short bodies by content alone', () => {
    const short = buildDedupeIndex(
      buildIndex('/archive', [entry('posts/2022/2022-11-03-a.md', '2022-11-03', 'A', '\nMeeting cancelled.\n')]),
    );
    expect(
      findSame(short, incoming('\nMeeting cancelled.\n', { canonicalUrl: 'https://cabforum.org/b/', title: 'B' })),
    ).toBeUndefined();
  });

  it('makes the content buckets only when a page needs them, from every post of the archive', () => {
    const d = dindex();
    expect(d.buckets).toBeUndefined();
    // A match by URL or by date and title is a map lookup: no buckets for a run whose pages all match so.
    findSame(
      d,
      incoming('x', {
        canonicalUrl: 'https://cabforum.org/new/place/',
        aliases: ['/2022-11-03-2022-11-03-minutes-of-the-code-signing-certificate-working-group/'],
      }),
    );
    expect(d.buckets).toBeUndefined();
    const page = incoming(WEEK_2, { canonicalUrl: 'https://cabforum.org/p/7/', title: 'Renamed', day: '2022-11-10' });
    expect(findSame(d, page)).toMatchObject({ entry: { path: 'posts/2022/2022-11-10-w.md' }, reason: 'content' });
    expect(d.buckets?.byPath.size).toBe(2);
  });

  it('sees posts added during the crawl and forgets what a replaced entry was', () => {
    const d = buildDedupeIndex(buildIndex('/archive', []));
    const first = entry('posts/2022/2022-11-03-a.md', '2022-11-03', 'First title', WEEK_1);
    addToDedupeIndex(d, first);
    // A post written before any comparison is bucketed with the rest when one first needs the buckets.
    expect(d.buckets).toBeUndefined();
    expect(findSame(d, incoming('x', { canonicalUrl: 'https://cabforum.org/z/', title: 'First title' }))?.reason).toBe(
      'date-title',
    );
    addToDedupeIndex(d, entry(first.path, '2022-11-03', 'Second title', WEEK_2));
    expect(
      findSame(d, incoming('x', { canonicalUrl: 'https://cabforum.org/z/', title: 'First title' })),
    ).toBeUndefined();
    expect(findSame(d, incoming(WEEK_1, { canonicalUrl: 'https://cabforum.org/z/', title: 'Other' }))).toBeUndefined();
    expect(findSame(d, incoming(WEEK_2, { canonicalUrl: 'https://cabforum.org/z/', title: 'Other' }))?.reason).toBe(
      'content',
    );
    expect(d.archive.entries).toHaveLength(1);
  });
});

describe('normalizeForCompare', () => {
  const equal: [string, string][] = [
    ['## Attendees \n\n\n\nText', '## Attendees ##\n\nText\n'],
    ['He said "it\'s done" -- fine...', 'He said “it’s done” – fine…'],
    ['An em dash --- here', 'An em dash — here'],
    ['* one\n* two', '- one\n\n+ two'],
    ['1. one\n1. two', '1) one\n2) two'],
    ['*em* and **strong**', '_em_ and __strong__'],
    ['snake_case_name stays', 'snake_case_name stays'],
    ['CSC\\-17 \\(draft\\)', 'CSC-17 (draft)'],
    ['See <https://cabforum.org/x>', 'See [https://cabforum.org/x](https://cabforum.org/x)'],
    ['See https://cabforum.org/x', 'See <https://cabforum.org/x>'],
    ['A long paragraph\nwrapped over\nthree lines.', 'A long paragraph wrapped over three lines.'],
    ['Title\n=====', '# Title'],
    ['| a | b |\n|---|---|', '|a|b|\n| --- | --- |'],
    ['a&nbsp;b &amp; c', 'a\u00a0b & c'],
    ['```\ncode  \n```', '```\ncode\n```'],
  ];
  it.each(equal)('%j equals %j', (a, b) => expect(normalizeForCompare(a)).toBe(normalizeForCompare(b)));

  const different: [string, string][] = [
    ['First paragraph.\n\nSecond.', 'First paragraph.\nSecond.'],
    ['PR ()', `PR (${PR_URL})`],
    ['Tim said yes.', 'Tim said no.'],
    ['```\n"x"\n```', '```\n“x”\n```'],
    ['[x](https://e.org/a--b)', '[x](https://e.org/a-b)'],
    ['use `--flag` now', 'use `-flag` now'],
  ];
  it.each(different)('%j differs from %j', (a, b) => expect(normalizeForCompare(a)).not.toBe(normalizeForCompare(b)));

  // A rule is skipped on a line without its `needs`: that must never skip a match.
  const rules = Object.values(REWRITES).flatMap((table) => table.filter((rule) => rule.needs !== undefined));
  const markdownish = fc.string({
    unit: fc.constantFrom(...' \t\\_*<>[]()|@:/.-#&x1'.split(''), 'https:', 'mailto:', 'a@b.c', '\u00a0'),
    maxLength: 40,
  });
  it('has rules with needs to check', () => expect(rules.length).toBeGreaterThanOrEqual(9));
  it.each(rules.map((rule) => [rule.why, rule] as const))('%s: no match without its needs', (_why, rule) => {
    fc.assert(
      fc.property(
        markdownish,
        (text) => text.includes(rule.needs!) || text.replace(rule.pattern, rule.replacement) === text,
      ),
      { numRuns: 2000 },
    );
  });
});

describe('wordsOf', () => {
  it('splits ASCII text as the Unicode letter and digit classes do', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)) }),
        (text) => {
          expect(wordsOf(text)).toEqual(
            text
              .toLowerCase()
              .replace(/\b(?:https?|ftp|mailto):[^\s)\]>]+|\bwww\.[^\s)\]>]+/g, ' ')
              .match(/[\p{L}\p{N}]+/gu) ?? [],
          );
        },
      ),
    );
  });
});

describe('mergeBody', () => {
  it('replaces a body changed past the edit bound instead of diffing it line by line', async () => {
    const { MAX_MERGE_EDITS } = await import('../src/dedupe/merge.js');
    const old = Array.from({ length: MAX_MERGE_EDITS * 2 }, (_, i) => `old paragraph ${i}\n`).join('\n');
    const next = Array.from({ length: MAX_MERGE_EDITS * 2 }, (_, i) => `new paragraph ${i}\n`).join('\n');
    expect(mergeBody(old, next)).toBe(next);
    // Below the bound, unchanged lines keep their old bytes.
    expect(mergeBody('a  \n\nb\n', 'a\n\nc\n')).toBe('a  \n\nc\n');
  });

  it('keeps old bytes of equal lines, takes changed and added lines, drops removed ones', () => {
    const old = '\n## A \n\nkeep “this”\n\ngone\n\nold tail';
    const next = '\n## A\n\nkeep "this"\n\nnew line\n\nold tail\n\nadded\n';
    expect(mergeBody(old, next)).toBe('\n## A \n\nkeep “this”\n\nnew line\n\nold tail\n\nadded');
  });

  it('keeps extra blank lines of the old file', () => {
    expect(mergeBody('a\n\n\n\nb\n', 'a\n\nb\n\nc\n')).toBe('a\n\n\n\nb\n\nc\n');
  });
});

describe('mergePost front matter', () => {
  const old: Post = {
    frontMatter: {
      aliases: ['/old-path/'],
      author: 'Corey Bonnell',
      date: '2022-11-03 17:00:00',
      tags: ['Minutes', 'Code Signing'],
      title: SEED_000_TITLE,
      type: 'post',
      weight: 3,
    },
    body: '\nBody.\n',
  };

  it('keeps author and unknown keys the page cannot supply, and tags in another order', () => {
    expect(mergePost(old, incoming('\nBody.\n', {}, { tags: ['Code Signing', 'Minutes'] }))).toEqual({
      kind: 'unchanged',
    });
  });

  it('treats one instant written two ways as the same date', () => {
    expect(
      mergePost(
        old,
        incoming('\nBody.\n', {}, { date: '2022-11-03T17:00:00+00:00', tags: ['Minutes', 'Code Signing'] }),
      ),
    ).toEqual({ kind: 'unchanged' });
  });

  it('never overwrites a date with a weak one, but takes a real new date', () => {
    const weak = incoming(
      '\nBody.\n',
      { weakFields: ['date'] },
      { date: '2022-11-03 00:00:00', tags: ['Minutes', 'Code Signing'] },
    );
    expect(mergePost(old, weak)).toEqual({ kind: 'unchanged' });
    const strong = mergePost(old, { ...weak, weakFields: [] });
    expect(strong).toEqual({
      kind: 'updated',
      retitled: true,
      post: { frontMatter: { ...old.frontMatter, date: '2022-11-03 00:00:00' }, body: old.body },
    });
  });

  it('appends new aliases once, after the old ones, ignoring the permalink and path variants', () => {
    const page = incoming(
      '\nBody.\n',
      { aliases: ['/OLD-PATH', '/2022/11/03/x', 'https://cabforum.org/2022/11/03/x/'] },
      { tags: ['Minutes', 'Code Signing'] },
    );
    const result = mergePost(old, page);
    if (result.kind !== 'updated') throw new Error('expected an update');
    // Aliases are written as the one path key (src/site): lower-case, one trailing slash.
    expect(result.post.frontMatter.aliases).toEqual(['/old-path/', '/2022/11/03/x/']);
    expect(Object.keys(result.post.frontMatter)).toEqual(Object.keys(old.frontMatter));
  });

  it('inserts a new key at its archive-order place and replaces a really different title', () => {
    const page = incoming(
      '\nBody.\n',
      { title: 'Renamed' },
      { description: 'Summary', tags: ['Minutes', 'Code Signing'], title: 'Renamed' },
    );
    const result = mergePost(old, page);
    if (result.kind !== 'updated') throw new Error('expected an update');
    expect(Object.keys(result.post.frontMatter)).toEqual([
      'aliases',
      'author',
      'date',
      'description',
      'tags',
      'title',
      'type',
      'weight',
    ]);
    expect(result.retitled).toBe(true);
    expect(result.post.frontMatter).toMatchObject({
      description: 'Summary',
      title: 'Renamed',
      author: 'Corey Bonnell',
    });
    expect(result.post.frontMatter.weight).toBe(3);
  });
});

describe('nextFreePath', () => {
  const base = 'posts/2022/2022-11-03-x.md';
  it('keeps a free path and suffixes -2, -3 … before .md', () => {
    expect(nextFreePath(base, () => false)).toBe(base);
    expect(nextFreePath(base, (p) => p === base)).toBe('posts/2022/2022-11-03-x-2.md');
    const taken = new Set([base, 'posts/2022/2022-11-03-x-2.md']);
    expect(nextFreePath(base, (p) => taken.has(p))).toBe('posts/2022/2022-11-03-x-3.md');
  });
});

/** Re-wraps every paragraph line at `width` columns, as an old converter did. */
function rewrap(markdown: string, width: number): string {
  return markdown
    .split('\n')
    .map((line) =>
      line.startsWith('#') || line.length <= width
        ? line
        : line.replace(new RegExp(`(.{1,${width}})(?: |$)`, 'g'), '$1\n').trimEnd(),
    )
    .join('\n');
}
