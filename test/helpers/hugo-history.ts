// Helpers of the "site history" tests (test/site-history.test.ts): a private copy of the Hugo fixture
// site whose Markdown sources are edited the way cabforum.org's maintainers edit theirs, rebuilt with
// Hugo and redeployed in place (same URL, GitHub Pages validators); and the invariant check between
// the archive kept by scheduled syncs and a fresh full sync of the site as it stands.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTwoFilesPatch } from 'diff';
import { afterEach } from 'vitest';
import { Document, parse, parseDocument, type ToStringOptions } from 'yaml';
import { startFixtureSite, type FaultSpec, type RedeployableSite } from '../../fixtures/site/server.js';
import { loadArchive } from '../../src/archive/load.js';
import { formatProblem, verifyArchive } from '../../src/archive/verify.js';
import { verifyAttachments } from '../../src/attachments/verify.js';
import { tempDir } from './tmp.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/hugo/', import.meta.url));
/** What a copy of the site takes from fixtures/hugo: the sources, not the committed build. */
const SOURCE_ENTRIES = ['hugo.toml', 'content', 'layouts', 'data', 'static'];
/** The flags of scripts/build-hugo-site.sh. */
const HUGO_FLAGS = [
  '--enableGitInfo=false',
  '--noBuildLock',
  '--noTimes',
  '--noChmod',
  '--printPathWarnings',
  '--quiet',
];
// The fixture's own style (every source round-trips byte for byte through it): `- item` at column 0, no folding.
const YAML_STYLE: ToStringOptions = { indentSeq: false, lineWidth: 0, minContentWidth: 0 };
// The footer's "Edit this page" link names each page's source file: how a built page is traced back to it.
const EDIT_LINK = /href="https:\/\/github\.com\/cabforum\/website\/edit\/main\/content\/([^"]+)"/;

// ---------------------------------------------------------------------------------------------
// Hugo itself

/** Whether `hugo` can be run here, and which one. */
export type HugoStatus = { ok: true; version: string } | { ok: false; why: string };

/** Looks for `hugo` on the PATH. */
export function hugoStatus(): HugoStatus {
  const result = spawnSync('hugo', ['version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    const why = result.error
      ? (result.error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'not on the PATH'
        : result.error.message
      : `exit ${result.status}: ${result.stderr.trim()}`;
    return {
      ok: false,
      why: `hugo is needed to rebuild the fixture site (${why}); install it with \`apt-get install -y hugo\` (Debian's 0.111)`,
    };
  }
  return { ok: true, version: result.stdout.trim() };
}

/** Under CI a test that needs Hugo must fail when it is missing, never skip. */
export const IN_CI = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());

// ---------------------------------------------------------------------------------------------
// The site's sources

/** A post of the site, as its source states it. */
export interface SourcePost {
  /** Stable handle: the source file, relative to `content/` (`posts/2019/2019-03-12-….md`, `posts/<bundle>/index.md`). */
  handle: string;
  title: string;
  /** As written in the source, e.g. `2019-03-12T15:00:00-07:00`. */
  date: string;
  author?: string;
  tags: string[];
  aliases: string[];
  lastmod?: string;
  /** Decoded path of the page in the last build (`/2019/03/12/the-chairs-report-…/`), if it was built. */
  permalink?: string;
}

/** How a body is edited: a paragraph appended, or one exact piece of text replaced (a typo fixed). */
export type BodyChange = { append: string } | { replace: string; with: string };

export interface NewPost {
  title: string;
  /** `YYYY-MM-DD` (noon UTC) or a full date with offset. Not in the future: Hugo leaves future posts out. */
  date: string;
  body: string;
  author?: string;
  tags?: string[];
}

export interface HugoBuild {
  /** The built site (`<site>/public-<n>`). */
  dir: string;
  /** Wall time of the Hugo run. */
  ms: number;
}

/** A private, editable copy of fixtures/hugo. */
export interface HugoSite {
  /** The copy's folder (Hugo's `--source`). */
  dir: string;
  /** The current posts, sorted by handle. */
  posts(): Promise<SourcePost[]>;
  /** The post with this title (exactly one), for tests that name posts by title. */
  byTitle(title: string): Promise<SourcePost>;
  /** The post behind a handle. */
  post(handle: string): Promise<SourcePost>;
  /** A new title: the permalink moves. `keepAlias` lists the old permalink in `aliases` (Hugo then writes a redirect page there). */
  retitle(handle: string, title: string, options?: { keepAlias?: boolean }): Promise<void>;
  /** Moves the date by whole days (time and offset kept): the permalink's day moves with it. */
  moveDate(handle: string, days: number): Promise<void>;
  /** Edits the body; with `lastmod`, also sets front matter `lastmod` (the sitemap's `<lastmod>` then moves). */
  editBody(handle: string, change: BodyChange, options?: { lastmod?: string }): Promise<void>;
  setTags(handle: string, tags: string[]): Promise<void>;
  /** `undefined` removes the author. */
  setAuthor(handle: string, author: string | undefined): Promise<void>;
  /** Removes the source (a page bundle's whole folder). */
  deletePost(handle: string): Promise<void>;
  /** Writes a new source under `content/posts/YYYY/`; returns its handle. */
  addPost(post: NewPost): Promise<string>;
  /** Runs Hugo as scripts/build-hugo-site.sh does, into a new `public-<n>`. */
  build(): Promise<HugoBuild>;
  /** The last build, if any. */
  readonly lastBuild: HugoBuild | undefined;
}

/** Copies fixtures/hugo's sources (not public/) into a temp folder, removed after the test. */
export async function createHugoSite(): Promise<HugoSite> {
  const dir = await tempDir('cabsync-hugo-');
  for (const entry of SOURCE_ENTRIES) await cp(join(FIXTURE, entry), join(dir, entry), { recursive: true });
  const content = join(dir, 'content');
  let builds = 0;
  let lastBuild: HugoBuild | undefined;
  let permalinks = new Map<string, string>();

  const fileOf = (handle: string): string => {
    const file = join(content, handle);
    if (!handle.startsWith('posts/') || !handle.endsWith('.md') || !existsSync(file))
      throw new Error(`hugo site: no post source ${handle}`);
    return file;
  };
  const edit = async (handle: string, change: (source: Source) => void): Promise<void> => {
    const file = fileOf(handle);
    const source = readSource(handle, await readFile(file, 'utf8'));
    change(source);
    await writeFile(file, writeSource(source));
  };
  const describePost = async (handle: string): Promise<SourcePost> => {
    const { front } = readSource(handle, await readFile(fileOf(handle), 'utf8'));
    const data = (front.toJS() ?? {}) as Record<string, unknown>;
    const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
    const post: SourcePost = {
      handle,
      title: String(data.title ?? ''),
      date: String(data.date ?? ''),
      tags: strings(data.tags),
      aliases: strings(data.aliases),
    };
    if (data.author !== undefined) post.author = String(data.author);
    if (data.lastmod !== undefined) post.lastmod = String(data.lastmod);
    const permalink = permalinks.get(handle);
    if (permalink !== undefined) post.permalink = permalink;
    return post;
  };
  const posts = async (): Promise<SourcePost[]> => {
    const handles = (await walk(join(content, 'posts')))
      .map((file) => relative(content, file).split(sep).join('/'))
      .filter((handle) => handle.endsWith('.md') && !handle.endsWith('/_index.md'))
      .sort();
    return Promise.all(handles.map(describePost));
  };

  return {
    dir,
    posts,
    post: describePost,
    async byTitle(title) {
      const found = (await posts()).filter((p) => p.title === title);
      if (found.length !== 1) throw new Error(`hugo site: ${found.length} posts titled ${JSON.stringify(title)}`);
      return found[0]!;
    },
    async retitle(handle, title, options = {}) {
      let alias: string | undefined;
      if (options.keepAlias) {
        alias = permalinks.get(handle);
        if (alias === undefined)
          throw new Error(`hugo site: keepAlias needs a build that has ${handle} (its old permalink)`);
      }
      await edit(handle, ({ front }) => {
        front.set('title', title);
        if (alias === undefined) return;
        if (front.has('aliases')) front.addIn(['aliases'], alias);
        else front.set('aliases', [alias]);
      });
    },
    async moveDate(handle, days) {
      await edit(handle, ({ front }) => {
        const date = String(front.get('date') ?? '');
        const match = /^(\d{4})-(\d{2})-(\d{2})(.*)$/s.exec(date);
        if (!match) throw new Error(`hugo site: ${handle}: cannot move date ${JSON.stringify(date)}`);
        const moved = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days));
        front.set('date', `${moved.toISOString().slice(0, 10)}${match[4]}`);
      });
    },
    async editBody(handle, change, options = {}) {
      await edit(handle, (source) => {
        if ('append' in change) {
          const body = source.body === '' || source.body.endsWith('\n') ? source.body : `${source.body}\n`;
          source.body = `${body}${body.trim() === '' ? '' : '\n'}${change.append}\n`;
        } else {
          const at = source.body.indexOf(change.replace);
          if (at < 0 || source.body.indexOf(change.replace, at + 1) >= 0) {
            throw new Error(`hugo site: ${handle}: ${JSON.stringify(change.replace)} is not in the body exactly once`);
          }
          source.body = source.body.slice(0, at) + change.with + source.body.slice(at + change.replace.length);
        }
        if (options.lastmod !== undefined) source.front.set('lastmod', options.lastmod);
      });
    },
    async setTags(handle, tags) {
      await edit(handle, ({ front }) => {
        if (tags.length === 0) front.delete('tags');
        else front.set('tags', tags);
      });
    },
    async setAuthor(handle, author) {
      await edit(handle, ({ front }) => {
        if (author === undefined) front.delete('author');
        else front.set('author', author);
      });
    },
    async deletePost(handle) {
      const file = fileOf(handle);
      await rm(handle.endsWith('/index.md') ? dirname(file) : file, { recursive: true, force: true });
    },
    async addPost(post) {
      const date = /^\d{4}-\d{2}-\d{2}$/.test(post.date) ? `${post.date}T12:00:00+00:00` : post.date;
      if (!/^\d{4}-\d{2}-\d{2}T/.test(date))
        throw new Error(`hugo site: addPost: not a date: ${JSON.stringify(post.date)}`);
      if (Date.parse(date) > Date.now())
        throw new Error(`hugo site: addPost: ${date} is in the future; Hugo would not publish it`);
      const slug = sourceSlug(post.title);
      let handle = `posts/${date.slice(0, 4)}/${date.slice(0, 10)}-${slug}.md`;
      for (let n = 2; existsSync(join(content, handle)); n += 1)
        handle = `posts/${date.slice(0, 4)}/${date.slice(0, 10)}-${slug}-${n}.md`;
      const data: Record<string, unknown> = {};
      if (post.author !== undefined) data.author = post.author;
      data.date = date;
      if (post.tags && post.tags.length > 0) data.tags = post.tags;
      data.title = post.title;
      data.type = 'post';
      const body = post.body === '' || post.body.endsWith('\n') ? post.body : `${post.body}\n`;
      const file = join(content, handle);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, writeSource({ handle, front: new Document(data), body }));
      // Read back as Hugo will: the title must survive YAML (a `: `, a leading `&` or ` #` would not, unquoted).
      const back = await describePost(handle);
      if (back.title !== post.title)
        throw new Error(`hugo site: addPost: title read back as ${JSON.stringify(back.title)}`);
      return handle;
    },
    async build() {
      builds += 1;
      const out = join(dir, `public-${builds}`);
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        execFile(
          'hugo',
          ['--source', dir, '--destination', out, '--cleanDestinationDir', ...HUGO_FLAGS],
          { env: { ...process.env, HUGO_ENV: 'development' } },
          (error, _stdout, stderr) =>
            error ? reject(new Error(`hugo build ${builds} failed: ${error.message}\n${stderr}`)) : resolve(),
        );
      });
      lastBuild = { dir: out, ms: performance.now() - started };
      permalinks = await builtPermalinks(out);
      return lastBuild;
    },
    get lastBuild() {
      return lastBuild;
    },
  };
}

/** A source file split as Hugo reads it; `body` is every byte after the closing `---` line. */
interface Source {
  handle: string;
  front: Document;
  body: string;
}

function readSource(handle: string, text: string): Source {
  const match = /^---\n([\s\S]*?\n)?---(?:\n|$)/.exec(text);
  if (!match) throw new Error(`hugo site: ${handle}: no YAML front matter`);
  const front = parseDocument(match[1] ?? '', { version: '1.2' });
  if (front.errors.length > 0) throw new Error(`hugo site: ${handle}: ${front.errors[0]!.message}`);
  return { handle, front, body: text.slice(match[0].length) };
}

function writeSource(source: Source): string {
  return `---\n${source.front.toString(YAML_STYLE)}---\n${source.body}`;
}

/** A file name for a new source, as the maintainers make them: lower case, runs of anything else to `-`. */
function sourceSlug(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug === '' ? 'post' : slug;
}

/** Source handle → decoded page path, read off each built page's "Edit this page" link. */
async function builtPermalinks(publicDir: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const file of await walk(publicDir)) {
    if (!file.endsWith(`${sep}index.html`)) continue;
    const handle = EDIT_LINK.exec(await readFile(file, 'utf8'))?.[1];
    if (handle === undefined || !handle.startsWith('posts/') || handle.endsWith('/_index.md')) continue;
    const folder = relative(publicDir, dirname(file)).split(sep).join('/');
    map.set(decodeHtml(handle), `/${folder}/`);
  }
  return map;
}

function decodeHtml(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|#39|#x27);/g,
    (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[name] ?? '',
  );
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Serving: one URL for the whole history, a GitHub Pages deploy per build

/** A bad state of the site for a run: listing pages 503, the feed 503, or a deploy that cut the sitemap short. */
export type SiteFault = 'listing-down' | 'feed-down' | 'sitemap-cut';

/** Share of /sitemap.xml a cut-short deploy serves. */
export const SITEMAP_KEPT = 0.6;

export interface HugoServer {
  /** `http://127.0.0.1:<port>`, the same for every deploy (the archive's state keys URLs by origin). */
  url: string;
  site: RedeployableSite;
  /** Serves a build from now on, as a new deploy: every file gets a new ETag and Last-Modified. Returns the deploy number. */
  deploy(publicDir: string): number;
  /** Switches a fault on (until `setFault(undefined)`). `sitemap-cut` is itself a (broken) deploy; clearing it deploys again. */
  setFault(fault: SiteFault | undefined): void;
  close(): Promise<void>;
}

const servers: HugoServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

/** Serves a build with the fixture server, already as deploy 1; closed after the test. */
export async function serveHugoBuild(publicDir: string): Promise<HugoServer> {
  const site = await startFixtureSite({ root: publicDir, idleTimeoutMs: 120_000 });
  let root = publicDir;
  let fault: SiteFault | undefined;
  site.redeploy();
  const server: HugoServer = {
    url: site.url,
    site,
    deploy(dir) {
      root = dir;
      return site.redeploy({
        root: dir,
        ...(fault === 'sitemap-cut' ? { cut: { '/sitemap.xml': SITEMAP_KEPT } } : {}),
      });
    },
    setFault(next) {
      const wasCut = fault === 'sitemap-cut';
      fault = next;
      site.setFaults(
        next === 'listing-down'
          ? listingFaults(root)
          : next === 'feed-down'
            ? [{ path: '/posts/index.xml', kind: '503' }]
            : [],
      );
      if (next === 'sitemap-cut') site.redeploy({ cut: { '/sitemap.xml': SITEMAP_KEPT } });
      else if (wasCut) site.redeploy();
    },
    close: () => site.close(),
  };
  servers.push(server);
  return server;
}

/** 503 for `/posts/` and every `/posts/page/N/` the build has, and a few past its end. */
function listingFaults(publicDir: string): FaultSpec[] {
  const pages = readdirSync(join(publicDir, 'posts', 'page'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => Number(entry.name))
    .filter((n) => Number.isInteger(n) && n > 0);
  const last = Math.max(1, ...pages) + 3;
  const paths = ['/posts/', '/posts'];
  for (let n = 1; n <= last; n += 1) paths.push(`/posts/page/${n}/`, `/posts/page/${n}`);
  return paths.map((path) => ({ path, kind: '503' as const }));
}

// ---------------------------------------------------------------------------------------------
// The invariant

/** Every post file of an archive (`posts/**.md`; `.cabsync/` and `files/` left out): relative path → text. */
export async function archivePosts(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of await walk(join(dir, 'posts'))) {
    if (file.endsWith('.md')) out.set(relative(dir, file).split(sep).join('/'), await readFile(file, 'utf8'));
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** An archive file's front matter and body, or why it cannot be read. */
export function splitPost(text: string): { front: Record<string, unknown>; body: string } | { error: string } {
  const match = /^---\n([\s\S]*?\n)?---[ \t]*(?:\n|$)/.exec(text);
  if (!match) return { error: 'no front matter' };
  try {
    const front = (parse(match[1] ?? '', { version: '1.2' }) ?? {}) as Record<string, unknown>;
    return { front, body: text.slice(match[0].length) };
  } catch (error) {
    return { error: `bad YAML: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** The title in an archive file's front matter, if it has one. */
export function titleOf(text: string): string | undefined {
  const post = splitPost(text);
  return 'front' in post && typeof post.front.title === 'string' ? post.front.title : undefined;
}

/** The archive file holding the post with this title (undefined when none does). */
export async function archivedPathOf(dir: string, title: string): Promise<string | undefined> {
  for (const [path, text] of await archivePosts(dir)) if (titleOf(text) === title) return path;
  return undefined;
}

/**
 * The invariant: the archive scheduled syncs kept (`incrementalDir`) against a fresh full sync of the
 * site as it stands (`freshDir`). Same post files at the same paths; for each, the same front matter
 * but `aliases`, where the incremental archive may hold more (old permalinks it saw), and the same
 * body bytes. `missingUpstream` files (the site deleted them; the scheduled sync keeps them) must be
 * in the incremental archive and not in the fresh one. Returns the differences, one readable line
 * (or block) each; empty when the invariant holds.
 */
export async function compareArchives(
  incrementalDir: string,
  freshDir: string,
  options: { missingUpstream?: readonly string[] } = {},
): Promise<string[]> {
  const incremental = await archivePosts(incrementalDir);
  const fresh = await archivePosts(freshDir);
  const missing = new Set(options.missingUpstream ?? []);
  const out: string[] = [];
  const titled = (files: Map<string, string>, title: string | undefined): string | undefined =>
    title === undefined ? undefined : [...files].find(([, text]) => titleOf(text) === title)?.[0];

  for (const path of missing) {
    if (!incremental.has(path))
      out.push(`${path}: reported missing upstream, but the incremental archive has no such file`);
    else if (fresh.has(path)) out.push(`${path}: reported missing upstream, but the fresh sync archived it`);
  }
  for (const [path, text] of incremental) {
    if (fresh.has(path) || missing.has(path)) continue;
    const title = titleOf(text);
    const elsewhere = titled(fresh, title);
    out.push(
      `only in incremental: ${path} (title ${JSON.stringify(title)}${elsewhere ? `; fresh has that title at ${elsewhere}` : '; no fresh file has that title'})`,
    );
  }
  for (const [path, text] of fresh) {
    if (incremental.has(path)) continue;
    const title = titleOf(text);
    const elsewhere = titled(incremental, title);
    out.push(
      `only in fresh: ${path} (title ${JSON.stringify(title)}${elsewhere ? `; incremental has that title at ${elsewhere}` : '; no incremental file has that title'})`,
    );
  }
  for (const [path, freshText] of fresh) {
    const incText = incremental.get(path);
    if (incText === undefined || incText === freshText) continue;
    const inc = splitPost(incText);
    const fr = splitPost(freshText);
    if ('error' in inc || 'error' in fr) {
      out.push(
        `${path}: unreadable (incremental: ${'error' in inc ? inc.error : 'ok'}, fresh: ${'error' in fr ? fr.error : 'ok'})`,
      );
      continue;
    }
    for (const key of [...new Set([...Object.keys(fr.front), ...Object.keys(inc.front)])].sort()) {
      const a = inc.front[key];
      const b = fr.front[key];
      if (key === 'aliases') {
        const have = new Set(Array.isArray(a) ? a.map(String) : []);
        const lacking = (Array.isArray(b) ? b.map(String) : []).filter((alias) => !have.has(alias));
        if (lacking.length > 0)
          out.push(
            `${path}: aliases: incremental lacks ${lacking.join(', ')} (incremental ${JSON.stringify(a ?? null)}, fresh ${JSON.stringify(b ?? null)})`,
          );
      } else if (JSON.stringify(a) !== JSON.stringify(b)) {
        out.push(`${path}: ${key}: incremental ${JSON.stringify(a ?? null)}, fresh ${JSON.stringify(b ?? null)}`);
      }
    }
    if (inc.body !== fr.body) out.push(`${path}: body differs\n${bodyPatch(path, inc.body, fr.body)}`);
  }
  return out;
}

/** A short unified diff: `-` incremental, `+` fresh. */
function bodyPatch(path: string, incremental: string, fresh: string): string {
  const patch = createTwoFilesPatch(`incremental/${path}`, `fresh/${path}`, incremental, fresh, '', '', {
    context: 1,
  }).split('\n');
  const lines = ['(- incremental, + fresh)', ...patch.slice(patch.findIndex((line) => line.startsWith('@@')))];
  const shown = lines.slice(0, 24).map((line) => `    ${line}`);
  if (lines.length > 24) shown.push(`    … ${lines.length - 24} more lines`);
  return shown.join('\n').trimEnd();
}

/** Files of `after` that are new, gone or changed since `before` (two {@link archivePosts} maps). */
export function changedFiles(
  before: Map<string, string>,
  after: Map<string, string>,
): { path: string; change: 'added' | 'removed' | 'changed'; titles: string[] }[] {
  const out: { path: string; change: 'added' | 'removed' | 'changed'; titles: string[] }[] = [];
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const a = before.get(path);
    const b = after.get(path);
    if (a === b) continue;
    const titles = [...new Set([a, b].flatMap((text) => (text === undefined ? [] : [titleOf(text) ?? '(no title)'])))];
    out.push({ path, change: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', titles });
  }
  return out;
}

/** What `cabsync verify` would report for an archive (src/commands/verify.ts), one line per problem. */
export async function verifyProblems(dir: string): Promise<string[]> {
  const index = await loadArchive(dir, { cache: false });
  return [...verifyArchive(index), ...(await verifyAttachments(dir, index))].map(formatProblem);
}
