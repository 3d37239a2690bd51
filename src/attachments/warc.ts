import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashOf } from '../raw/blob.js';
import type { WarcResponse } from '../raw/warc.js';
import { AttachmentManifestError, type AttachmentManifest } from './manifest.js';

/**
 * The mirrored files as HTTP responses for `export-warc`, in URL order, read one at a time. A copy
 * that is missing or no longer matches its SHA-256 is an error naming the file: a WARC must hold
 * what the site served.
 */
export async function* attachmentResponses(
  archiveDir: string,
  manifest: AttachmentManifest,
): AsyncGenerator<WarcResponse> {
  for (const url of Object.keys(manifest.files).sort()) {
    const record = manifest.files[url]!;
    const file = join(archiveDir, record.path);
    const body = await readFile(file).catch((error: Error) => {
      throw new AttachmentManifestError(file, `cannot read the mirrored file: ${error.message}`);
    });
    if (hashOf(body) !== record.sha256)
      throw new AttachmentManifestError(
        file,
        "changed on disk: its SHA-256 is not the manifest's (run cabsync verify)",
      );
    const httpHeaders: Record<string, string> = {
      'Content-Type': record.contentType ?? 'application/octet-stream',
      'Content-Length': String(body.length),
    };
    if (record.etag) httpHeaders.ETag = record.etag;
    if (record.lastModified) httpHeaders['Last-Modified'] = record.lastModified;
    yield { url, date: record.fetchedAt, status: 200, httpHeaders, body };
  }
}
