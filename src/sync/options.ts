import { UsageError } from '../errors.js';
import { DEFAULT_MAX_ATTACHMENT_BYTES, parseSize } from '../attachments/size.js';
import { MAX_URLS } from '../discover/discover.js';
import { parseDuration } from '../fetch/deadline.js';

/** Everything a sync or fetch run needs, resolved and validated once. */
export interface SyncOptions {
  site: URL;
  archive: string;
  full: boolean;
  dryRun: boolean;
  since?: string;
  limit?: number;
  concurrency: number;
  rateMs: number;
  /** Store every fetched post page in the raw store. */
  keepRaw: boolean;
  /** The raw store's folder (default `<archive>/.cabsync/raw`). */
  rawDir?: string;
  /** Hold back pages with layout-health issues and exit 1 on site-wide health warnings. */
  strictHealth: boolean;
  /** Take a page that lost much of an archived post's body (see src/health/rules.ts); held back otherwise. */
  acceptShrink: boolean;
  /** Mirror the same-host files posts link (PDF, DOCX, images…) into `<archive>/files/` (`--attachments`). */
  attachments: boolean;
  /** Largest attachment downloaded, in bytes (`--max-attachment-size`, default 50 MB). */
  maxAttachmentBytes: number;
  /**
   * Share of the archived posts re-downloaded each run, least recently checked first (`--revalidate`,
   * default 1/7): an edit the sitemap does not announce is seen within 1/share runs. 0 turns it off.
   */
  revalidate: number;
  /**
   * The whole run's deadline (`--max-duration`, default 45 min, inside the scheduled job's hour): past
   * it nothing more is requested, every page not done is failed with the reason, and the run ends.
   */
  maxDurationMs: number;
  /** Most URLs new to the state one run considers (`--max-urls`, default 10,000); see discover's MAX_URLS. */
  maxUrls: number;
  /** Lower-level fetch settings (timeouts, retries); tests shorten them. */
  fetch?: Record<string, number | boolean>;
}

export const DEFAULT_SITE = 'https://cabforum.org';

/** Raw flag values as commander hands them over. */
export interface RawSyncFlags {
  site?: string;
  archive?: string;
  full?: boolean;
  dryRun?: boolean;
  since?: string;
  limit?: string | number;
  concurrency?: string | number;
  rate?: string | number;
  verbose?: boolean;
  keepRaw?: boolean;
  rawDir?: string;
  strictHealth?: boolean;
  acceptShrink?: boolean;
  attachments?: boolean;
  maxAttachmentSize?: string | number;
  revalidate?: string | number;
  maxDuration?: string | number;
  maxUrls?: string | number;
}

/** Validates flags; every error names the flag and the bad value. */
export function resolveSyncOptions(flags: RawSyncFlags): SyncOptions {
  return {
    site: parseSite(flags.site ?? DEFAULT_SITE),
    archive: flags.archive ?? './archive',
    full: flags.full ?? false,
    dryRun: flags.dryRun ?? false,
    since: flags.since === undefined ? undefined : parseDay('--since', flags.since),
    limit: flags.limit === undefined ? undefined : parseInteger('--limit', flags.limit, 1),
    concurrency: parseInteger('--concurrency', flags.concurrency ?? 4, 1, 64),
    rateMs: parseInteger('--rate', flags.rate ?? 250, 0),
    keepRaw: flags.keepRaw ?? false,
    rawDir: flags.rawDir,
    strictHealth: flags.strictHealth ?? false,
    acceptShrink: flags.acceptShrink ?? false,
    attachments: flags.attachments ?? false,
    maxAttachmentBytes:
      flags.maxAttachmentSize === undefined
        ? DEFAULT_MAX_ATTACHMENT_BYTES
        : parseSize('--max-attachment-size', flags.maxAttachmentSize),
    revalidate: flags.revalidate === undefined ? DEFAULT_REVALIDATE : parseShare('--revalidate', flags.revalidate),
    maxDurationMs:
      flags.maxDuration === undefined
        ? DEFAULT_MAX_DURATION_MS
        : parseDurationFlag('--max-duration', flags.maxDuration),
    maxUrls: flags.maxUrls === undefined ? MAX_URLS : parseInteger('--max-urls', flags.maxUrls, 1),
  };
}

/** Fits the scheduled job's 60-minute timeout with room for install, commit and push. */
export const DEFAULT_MAX_DURATION_MS = 45 * 60_000;

function parseDurationFlag(flag: string, value: string | number): number {
  const ms = parseDuration(String(value), flag);
  if (typeof ms !== 'number') throw new UsageError(ms.error);
  return ms;
}

/** Every archived post checked at least once a week on a daily schedule. */
export const DEFAULT_REVALIDATE = 1 / 7;

/** A share of posts: `1/7`, `0.25`, `25%`, or `0` (off). */
export function parseShare(flag: string, value: string | number): number {
  const text = String(value).trim();
  const fraction = /^(\d+)\s*\/\s*(\d+)$/.exec(text);
  const share = fraction
    ? Number(fraction[1]) / Number(fraction[2])
    : /^\d+(\.\d+)?%$/.test(text)
      ? Number(text.slice(0, -1)) / 100
      : /^\d+(\.\d+)?$/.test(text)
        ? Number(text)
        : Number.NaN;
  if (!Number.isFinite(share) || share < 0 || share > 1) {
    throw new UsageError(
      `${flag}: expected a share of posts from 0 to 1 such as 1/7, 0.25 or 25%, got ${JSON.stringify(value)}`,
    );
  }
  return share;
}

export function parseSite(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--site: not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`--site: only http and https are supported: ${value}`);
  return new URL(url.origin);
}

function parseDay(flag: string, value: string): string {
  const match = /^\d{4}-\d{2}-\d{2}$/.exec(value);
  if (
    !match ||
    Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
    new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
  ) {
    throw new UsageError(`${flag}: expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return value;
}

function parseInteger(flag: string, value: string | number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const number = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < min || number > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new UsageError(`${flag}: expected a whole number ${range}, got ${JSON.stringify(value)}`);
  }
  return number;
}
