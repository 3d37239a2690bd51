import { decodePath } from '../site/index.js';

/** The folder of the archive that holds attachments, relative to the archive root. */
export const FILES_DIR = 'files';

/** The manifest, relative to the archive root. No attachment can take its place: `.json` is no file type. */
export const MANIFEST_PATH = `${FILES_DIR}/manifest.json`;

/** Longest name most file systems allow for one path segment, in bytes. */
const MAX_SEGMENT_BYTES = 255;

/** Why a decoded path segment cannot be a folder or file name under `files/`, or undefined when it can. */
const SEGMENT_RULES: readonly { test: (segment: string) => boolean; reason: string }[] = [
  { test: (segment) => segment === '', reason: 'an empty path segment' },
  { test: (segment) => segment === '.' || segment === '..', reason: 'a "." or ".." segment (would leave its folder)' },
  { test: (segment) => segment.includes('\\'), reason: 'a backslash (a separator on some systems)' },
  { test: (segment) => /[\u0000-\u001f\u007f]/.test(segment), reason: 'a control character' },
  {
    test: (segment) => Buffer.byteLength(segment) > MAX_SEGMENT_BYTES,
    reason: `a segment longer than ${MAX_SEGMENT_BYTES} bytes`,
  },
];

export type AttachmentPath = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Where a file's copy lives in the archive: `files/` and the URL's path, percent-decoded segment
 * by segment (`/2023/03/17/r%C3%A9union/BR.pdf` → `files/2023/03/17/réunion/BR.pdf`). An encoded
 * `/` (`%2F`) stays as text inside its segment. A path that could leave `files/` (`..`, an absolute
 * or empty segment, a backslash) is refused with the reason. Pure.
 */
export function attachmentPath(url: string): AttachmentPath {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return { ok: false, reason: `not a URL: ${url}` };
  }
  const segments = decodePath(pathname).replace(/^\//, '').split('/');
  for (const segment of segments) {
    const broken = SEGMENT_RULES.find((rule) => rule.test(segment));
    if (broken) return { ok: false, reason: `${url}: the path has ${broken.reason}` };
  }
  const path = `${FILES_DIR}/${segments.join('/')}`;
  if (path === MANIFEST_PATH) return { ok: false, reason: `${url}: the path is the manifest's` };
  return { ok: true, path };
}
