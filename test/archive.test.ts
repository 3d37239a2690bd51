import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePost, serializePost, type Post } from '../src/archive/post.js';
import { loadArchive } from '../src/archive/load.js';
import { pathKey } from '../src/site/index.js';
import { verifyArchive } from '../src/archive/verify.js';
import { postPath, slugify } from '../src/archive/slug.js';
import { parseArchiveDate } from '../src/archive/date.js';
import { seededArchive, tempDir } from './helpers/tmp.js';
import { runCli } from './helpers/cli.js';

// The four seed archive files, committed byte for byte as they were given.
const ARCHIVE = new URL('../archive/', import.meta.url).pathname;
const seedFiles = readdirSync(join(ARCHIVE, 'posts'), { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.md'))
  .map((name) => join('posts', name));

describe('post model', () => {
  it.each(seedFiles)('re-writes seed %s byte for byte', (name) => {
    const bytes = readFileSync(join(ARCHIVE, name), 'utf8');
    const parsed = parsePost(bytes);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(serializePost(parsed.post)).toBe(bytes);
  });

  it('keeps unknown keys in their order', () => {
    const text = '---\nzeta: 1\naliases:\n- /a/\nweight: 3\ntitle: T\ndate: 2020-01-01 00:00:00\n---\nbody';
    const parsed = parsePost(text);
    expect(parsed.ok && Object.keys(parsed.post.frontMatter)).toEqual(['zeta', 'aliases', 'weight', 'title', 'date']);
    expect(parsed.ok && serializePost(parsed.post)).toBe(text);
  });

  const hostile = [
    'Ballot SC-22: "Reduce" #1',
    '# not a heading',
    "It's \"quoted\" and 'single'",
    '@mention first',
    '- looks like a list',
    '* star first',
    'Iñigo – “curly” ‘quotes’',
    'first line\nsecond line',
    'yes',
    '2022-11-03',
    '[bracket] {brace} | pipe > gt % pct & amp ! bang',
    ' leading and trailing ',
    'tab\there',
    'null',
  ];
  it.each(hostile)('serializes the hostile title %j to YAML that reads back the same', (title) => {
    const post: Post = {
      frontMatter: { author: title, date: '2022-11-03 17:00:00', tags: [title], title, type: 'post' },
      body: '\ntext\n',
    };
    const parsed = parsePost(serializePost(post));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.post.frontMatter).toEqual(post.frontMatter);
    expect(parsed.post.body).toBe(post.body);
  });

  it('writes lists at column 0 and the date unquoted', () => {
    const text = serializePost({
      frontMatter: { aliases: ['/x/'], date: '2024-01-02 03:04:05', title: 'T' },
      body: '\n',
    });
    expect(text).toBe('---\naliases:\n- /x/\ndate: 2024-01-02 03:04:05\ntitle: T\n---\n\n');
  });
});

describe('slugs and dates', () => {
  it('slugs a title the way the site does', () => {
    expect(slugify('2022-11-03 Minutes of the Code Signing Certificate Working Group')).toBe(
      '2022-11-03-minutes-of-the-code-signing-certificate-working-group',
    );
    expect(slugify('Ballot SC-22: Reduce “Validity”')).toBe('ballot-sc-22-reduce-validity');
  });

  it.each(['../../etc/passwd', 'a/b\\c', 'nul\u0000byte', '....', '日本語のタイトル', 'x'.repeat(500)])(
    'makes %j a safe single segment',
    (title) => {
      const slug = slugify(title);
      expect(slug).toMatch(/^[a-z0-9-]{1,100}$/);
      expect(postPath('2024-01-02', title)).toMatch(/^posts\/2024\/2024-01-02-[a-z0-9-]+\.md$/);
    },
  );

  it('accepts real dates and rejects impossible ones', () => {
    expect(parseArchiveDate('2022-11-03 17:00:00')?.toISOString()).toBe('2022-11-03T17:00:00.000Z');
    expect(parseArchiveDate('2022-11-03T17:00:00+02:00')?.toISOString()).toBe('2022-11-03T15:00:00.000Z');
    expect(parseArchiveDate('2022-11-03')).toBeDefined();
    expect(parseArchiveDate('2022-02-30 00:00:00')).toBeUndefined();
    expect(parseArchiveDate('yesterday')).toBeUndefined();
  });
});

describe('loading and verifying the archive', () => {
  it('indexes the seeded archive by path, alias, permalink and date+title', async () => {
    const index = await loadArchive(await seededArchive());
    expect(index.entries).toHaveLength(4);
    expect(index.malformed).toEqual([]);
    const seed0 = 'posts/2022/2022-11-03-2022-11-03-minutes-of-the-code-signing-certificate-working-group.md';
    expect(index.byPath.get(seed0)).toBeDefined();
    expect(
      index.byUrlPath.get(pathKey('/2022-11-03-2022-11-03-minutes-of-the-code-signing-certificate-working-group/'))?.[0]
        ?.path,
    ).toBe(seed0);
    expect(
      index.byUrlPath.get(pathKey('/2022/11/03/2022-11-03-minutes-of-the-code-signing-certificate-working-group/'))?.[0]
        ?.path,
    ).toBe(seed0);
    expect(
      index.byDateTitle.get('2022-11-03|2022 11 03 minutes of the code signing certificate working group')?.[0]?.path,
    ).toBe(seed0);
    expect(verifyArchive(index)).toEqual([]);
  });

  const malformed: [string, string | Buffer, RegExp][] = [
    ['bad-yaml', '---\ntitle: [unclosed\ndate: 2022-01-01\n---\nbody', /invalid YAML/],
    ['no-front-matter', '# Just Markdown\n', /no front matter/],
    ['unclosed', '---\ntitle: x\n', /not closed/],
    ['no-title', '---\ndate: 2022-01-01 00:00:00\n---\nbody', /missing title/],
    ['no-date', '---\ntitle: A title\n---\nbody', /missing date/],
    ['bad-date', '---\ntitle: A title\ndate: 2022-13-45\n---\nbody', /date does not parse/],
    [
      'bad-utf8',
      Buffer.concat([
        Buffer.from('---\ntitle: caf'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('\ndate: 2022-01-01\n---\n'),
      ]),
      /UTF-8/,
    ],
    ['not-a-mapping', '---\n- a\n- b\n---\nbody', /not a mapping/],
  ];
  it.each(malformed)(
    'reports a %s file with its reason, loads the rest and leaves it byte-identical',
    async (name, bytes, reason) => {
      const root = await seededArchive();
      const file = join(root, 'posts', '2022', `${name}.md`);
      await writeFile(file, bytes);
      const index = await loadArchive(root);
      expect(index.entries).toHaveLength(4);
      expect(index.malformed).toEqual([{ path: `posts/2022/${name}.md`, reason: expect.stringMatching(reason) }]);
      const result = await runCli(['verify', '--archive', root]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`posts/2022/${name}.md`);
      expect(Buffer.compare(await readFile(file), Buffer.from(bytes))).toBe(0);
    },
  );

  it('finds two files that are the same post and a misnamed file', async () => {
    const root = await seededArchive();
    const seed0 = join(
      root,
      'posts/2022/2022-11-03-2022-11-03-minutes-of-the-code-signing-certificate-working-group.md',
    );
    await mkdir(join(root, 'posts/2020'), { recursive: true });
    await writeFile(join(root, 'posts/2020/copy.md'), await readFile(seed0));
    const problems = verifyArchive(await loadArchive(root));
    expect(problems.filter((p) => p.kind === 'duplicate').length).toBeGreaterThan(0);
    expect(problems).toContainEqual({
      kind: 'misnamed',
      path: 'posts/2020/copy.md',
      expected: 'posts/2022/2022-11-03-2022-11-03-minutes-of-the-code-signing-certificate-working-group.md',
    });
  });
});

describe('cabsync verify', () => {
  it('exits 0 on the repository archive', async () => {
    const result = await runCli(['verify', '--archive', new URL('../archive', import.meta.url).pathname]);
    expect(result.stdout).toContain('4 posts, 0 problems');
    expect(result.code).toBe(0);
  });

  it('prints JSON with --json', async () => {
    const result = await runCli(['verify', '--json', '--archive', await seededArchive()]);
    expect(JSON.parse(result.stdout)).toMatchObject({ posts: 4, problems: [] });
  });

  it('exits 2 on a usage error and prints --help and --version', async () => {
    expect((await runCli(['verify', '--no-such-flag'])).code).toBe(2);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('verify');
    expect((await runCli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('the load cache', () => {
  it('reuses unchanged files, re-reads a changed one, and survives a damaged cache', async () => {
    const root = await seededArchive();
    const first = await loadArchive(root, { cache: true });
    const cache = JSON.parse(await readFile(join(root, '.cabsync', 'load-cache.json'), 'utf8'));
    expect(Object.keys(cache.files)).toHaveLength(4);
    const seed0 = 'posts/2022/2022-11-03-2022-11-03-minutes-of-the-code-signing-certificate-working-group.md';
    const again = await loadArchive(root, { cache: true });
    expect(again.entries.map((e) => [e.path, e.title, e.post.frontMatter, e.post.body])).toEqual(
      first.entries.map((e) => [e.path, e.title, e.post.frontMatter, e.post.body]),
    );

    const text = await readFile(join(root, seed0), 'utf8');
    await writeFile(
      join(root, seed0),
      text
        .replace('author: Corey Bonnell', 'author: Someone Else')
        .replace('Meeting adjourned.', 'Meeting adjourned at noon.'),
    );
    const changed = (await loadArchive(root, { cache: true })).byPath.get(seed0)!;
    expect(changed.post.frontMatter.author).toBe('Someone Else');
    expect(changed.post.body.endsWith('Meeting adjourned at noon.')).toBe(true);

    await writeFile(join(root, '.cabsync', 'load-cache.json'), '{ not json');
    expect((await loadArchive(root, { cache: true })).entries).toHaveLength(4);
  });

  it('finds one post archived under two titles (same day, author, tags and short body), and not two posts that only share a body', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'posts/2024'), { recursive: true });
    const file = (title: string, day: string, tags = '- Ballot') =>
      `---\nauthor: Ann\ndate: ${day} 10:00:00\ntags:\n${tags}\ntitle: ${title}\ntype: post\n---\n\nThis ballot was withdrawn.\n`;
    const old = postPath('2024-03-05', 'Ballot SC-99');
    const renamed = postPath('2024-03-05', 'Ballot SC-99 (withdrawn)');
    await writeFile(join(root, old), file('Ballot SC-99', '2024-03-05'));
    await writeFile(join(root, renamed), file('Ballot SC-99 (withdrawn)', '2024-03-05'));
    // Another day, or other tags: another post with the same stock sentence.
    await writeFile(join(root, postPath('2024-03-09', 'Ballot SC-98')), file('Ballot SC-98', '2024-03-09'));
    await writeFile(
      join(root, postPath('2024-03-05', 'Ballot NS-1')),
      file('Ballot NS-1', '2024-03-05', '- Network Security'),
    );
    const problems = verifyArchive(await loadArchive(root, { cache: false }));
    expect(problems).toEqual([
      { kind: 'duplicate', paths: [old, renamed].sort(), reason: 'same day, author, tags and body' },
    ]);
  });
});
