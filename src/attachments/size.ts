import { UsageError } from '../errors.js';

/** The default `--max-attachment-size`: 50 MB (binary multiples, as the fetcher's 10 MB page limit). */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;

/** Size suffixes, case-insensitive; K, M and G are multiples of 1024 whatever the spelling. */
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * A byte count as given on the command line: `102400`, `100KB`, `50MB`, `1.5 GiB`. Errors name the
 * flag and the value.
 *
 * @example parseSize('--max-attachment-size', '50MB') // 52428800
 */
export function parseSize(flag: string, value: string | number): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(value));
  const unit = UNITS[match?.[2]?.toLowerCase() ?? 'none'];
  const bytes = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new UsageError(
      `${flag}: expected a size in bytes, 1 or more, with an optional K, KB, M, MB, G or GB suffix; got ${JSON.stringify(value)}`,
    );
  }
  return bytes;
}
