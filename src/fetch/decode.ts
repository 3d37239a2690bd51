import { gunzipSync, brotliDecompressSync, inflateSync } from 'node:zlib';
import { TextDecoder } from 'node:util';

/** A body refused; `tooLarge` when the reason is its size once decompressed (a bomb), like a body cut at the cap. */
export type Refused = { ok: false; error: string; tooLarge?: { limit: number } };

export type Decoded = { ok: true; text: string; contentType?: string } | Refused;

// Content-Encoding decoders. Done here rather than with undici's decompress interceptor, which
// prints an ExperimentalWarning on every run; the body is already whole and bounded, so this is small.
const DECODERS: Record<string, ((input: Buffer, options: { maxOutputLength: number }) => Buffer) | undefined> = {
  identity: (input) => input,
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  br: brotliDecompressSync,
  deflate: inflateSync,
};

const XML_TYPES = ['application/xml', 'text/xml', 'application/rss+xml', 'application/atom+xml'];

/** The content types each kind of URL may come back with; anything else is a wrong-type error for that URL. */
const EXPECTED_TYPES: readonly { test: (path: string) => boolean; kind: string; types: readonly string[] }[] = [
  { test: (path) => path === '/robots.txt', kind: 'robots.txt', types: ['text/plain'] },
  {
    test: (path) => path.endsWith('.xml.gz'),
    kind: 'gzipped XML',
    types: ['application/gzip', 'application/x-gzip', 'application/octet-stream', ...XML_TYPES],
  },
  { test: (path) => path.endsWith('.xml'), kind: 'XML', types: XML_TYPES },
  { test: () => true, kind: 'HTML page', types: ['text/html', 'application/xhtml+xml'] },
];

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The bytes the server meant, with its Content-Encoding undone (and, with `gunzipFile`, the gzip of
 * a `.gz` file). Decompressing past `maxBytes` is an error, so a small bomb cannot fill memory.
 */
export function undoEncoding(
  raw: Buffer,
  headers: Record<string, string | string[] | undefined>,
  maxBytes: number,
  gunzipFile = false,
): { ok: true; body: Buffer } | Refused {
  const encoding = header(headers['content-encoding'])?.trim().toLowerCase() || 'identity';
  const decoder = DECODERS[encoding];
  if (decoder === undefined) return { ok: false, error: `unsupported Content-Encoding ${encoding}` };
  try {
    const body = decoder(raw, { maxOutputLength: maxBytes });
    if (!gunzipFile || !GZIP_MAGIC.every((byte, i) => body[i] === byte)) return { ok: true, body };
    return { ok: true, body: gunzipSync(body, { maxOutputLength: maxBytes }) };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      return {
        ok: false,
        error: `body larger than ${maxBytes} bytes once decompressed`,
        tooLarge: { limit: maxBytes },
      };
    return { ok: false, error: `cannot decompress ${encoding} body: ${(error as Error).message}` };
  }
}

/**
 * Turns a whole response body into text: undoes Content-Encoding (and the gzip of a `.gz` file),
 * checks the content type against what the URL should be, and decodes the charset named by the
 * header, else by `<meta charset>` or the XML declaration, else UTF-8. Invalid bytes are an error,
 * not replacement characters: the archive must not silently gain U+FFFD.
 */
export function decodeBody(
  raw: Buffer,
  headers: Record<string, string | string[] | undefined>,
  path: string,
  maxBytes: number,
): Decoded {
  const unpacked = undoEncoding(raw, headers, maxBytes, path.endsWith('.gz'));
  if (!unpacked.ok) return unpacked;
  const body = unpacked.body;

  const contentType = header(headers['content-type']);
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  const expected = EXPECTED_TYPES.find((rule) => rule.test(path));
  if (mediaType && expected && !expected.types.includes(mediaType)) {
    return { ok: false, error: `wrong content type ${mediaType} for a ${expected.kind}` };
  }

  const charset = charsetOf(contentType) ?? sniffCharset(body) ?? 'utf-8';
  let textDecoder: TextDecoder;
  try {
    textDecoder = new TextDecoder(charset, { fatal: true });
  } catch {
    return { ok: false, error: `unknown charset ${charset}` };
  }
  try {
    const decoded = textDecoder.decode(body);
    const text = textDecoder.encoding === 'windows-1252' ? fixWindows1252(decoded) : decoded;
    return contentType === undefined ? { ok: true, text } : { ok: true, text, contentType };
  } catch {
    return { ok: false, error: `invalid ${charset} bytes in body` };
  }
}

// Bytes 0x80–0x9F of windows-1252 (which the labels latin1 and iso-8859-1 also name), per the WHATWG
// index; the five bytes it leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay as they are.
const WINDOWS_1252_C1 = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8DŽ\x8F\x90‘’“”•–—˜™š›œ\x9DžŸ';

/**
 * Node 20.18.3+ decodes windows-1252 as Latin-1, so 0x93 comes out as the control U+0093 instead
 * of “ (nodejs/node#60888). Maps the C1 range to what the bytes mean; a no-op on a correct decoder.
 */
export function fixWindows1252(text: string): string {
  return text.replace(/[\x80-\x9f]/g, (char) => WINDOWS_1252_C1[char.charCodeAt(0) - 0x80]!);
}

/** The charset parameter of a Content-Type header. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

/** `<meta charset>`, `<meta http-equiv="content-type" content="…charset=…">` or `<?xml encoding>` in the first 1 KB. */
export function sniffCharset(body: Buffer): string | undefined {
  const head = body.subarray(0, 1024).toString('latin1');
  const match =
    /<meta\s+charset\s*=\s*["']?([\w.:-]+)/i.exec(head) ??
    /<meta[^>]+content\s*=\s*["'][^"']*charset\s*=\s*([\w.:-]+)/i.exec(head) ??
    /<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)/i.exec(head);
  return match?.[1]?.toLowerCase();
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
