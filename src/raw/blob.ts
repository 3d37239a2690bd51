import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';

/**
 * How one page body is kept on disk: UTF-8 bytes, gzip-compressed, named by their SHA-256.
 * gzip rather than brotli so `zcat` (and any WARC or archive tool) reads a blob as it is.
 */
export const BLOB_SUFFIX = '.html.gz';

/** Hex SHA-256 of the page's UTF-8 bytes (the blob's name), or of raw bytes (an attachment's). */
export function hashOf(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** True for a lower-case hex SHA-256. */
export function isHash(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

/** `<dir>/ab/cdef….html.gz`: two hex digits of fan-out keep folders small. */
export function blobPath(dir: string, hash: string): string {
  return join(dir, hash.slice(0, 2), `${hash.slice(2)}${BLOB_SUFFIX}`);
}

export function packBody(body: string): Buffer {
  // mtime is 0 in Node's gzip header, so equal bodies give equal bytes.
  return gzipSync(Buffer.from(body, 'utf8'), { level: constants.Z_BEST_COMPRESSION });
}

/** Inflates a blob; throws zlib's error on damaged bytes (the caller names the file). */
export function unpackBody(bytes: Uint8Array): string {
  return gunzipSync(bytes).toString('utf8');
}
