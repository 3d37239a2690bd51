/**
 * The files `--attachments` mirrors: a link qualifies by its extension, and the response must then
 * confirm it by its Content-Type (one of the extension's types, or a generic binary type). Data only;
 * {@link fileTypeOf} and {@link judgeContentType} read it.
 */
export interface FileType {
  /** Extensions, lower-case, without the dot. */
  extensions: readonly string[];
  /** Media types a server sends for it (lower-case, no parameters). */
  contentTypes: readonly string[];
  /** What people call it, for messages. */
  what: string;
}

export const FILE_TYPES: readonly FileType[] = [
  // Documents: what ballots, minutes and requirements are published as.
  { extensions: ['pdf'], contentTypes: ['application/pdf', 'application/x-pdf'], what: 'PDF' },
  { extensions: ['doc'], contentTypes: ['application/msword'], what: 'Word document' },
  {
    extensions: ['docx'],
    contentTypes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    what: 'Word document',
  },
  { extensions: ['xls'], contentTypes: ['application/vnd.ms-excel'], what: 'spreadsheet' },
  {
    extensions: ['xlsx'],
    contentTypes: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    what: 'spreadsheet',
  },
  { extensions: ['ppt'], contentTypes: ['application/vnd.ms-powerpoint'], what: 'presentation' },
  {
    extensions: ['pptx'],
    contentTypes: ['application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    what: 'presentation',
  },
  { extensions: ['odt'], contentTypes: ['application/vnd.oasis.opendocument.text'], what: 'OpenDocument text' },
  // Plain data: attendance lists, exported tables.
  { extensions: ['txt'], contentTypes: ['text/plain'], what: 'text file' },
  { extensions: ['csv'], contentTypes: ['text/csv', 'text/plain', 'application/csv'], what: 'CSV file' },
  { extensions: ['zip'], contentTypes: ['application/zip', 'application/x-zip-compressed'], what: 'ZIP archive' },
  // Images: seating plans, diagrams.
  { extensions: ['png'], contentTypes: ['image/png'], what: 'PNG image' },
  { extensions: ['jpg', 'jpeg'], contentTypes: ['image/jpeg', 'image/pjpeg'], what: 'JPEG image' },
  { extensions: ['gif'], contentTypes: ['image/gif'], what: 'GIF image' },
  { extensions: ['svg'], contentTypes: ['image/svg+xml'], what: 'SVG image' },
];

/** Types that say only "some bytes": servers send them for any download, so they confirm any file type. */
const GENERIC_TYPES: readonly string[] = [
  'application/octet-stream',
  'binary/octet-stream',
  'application/download',
  'application/force-download',
];

/** The file type a URL path names by its extension, or undefined for a page or an unknown file. */
export function fileTypeOf(path: string): FileType | undefined {
  const match = /\.([a-z0-9]+)$/i.exec(path);
  const extension = match?.[1]?.toLowerCase();
  return extension === undefined ? undefined : FILE_TYPES.find((type) => type.extensions.includes(extension));
}

/**
 * Whether a response's Content-Type confirms the file the link promised: `undefined` when it does
 * (or says nothing), else why not (a page served in its place, another kind of file).
 */
export function judgeContentType(type: FileType, contentType: string | undefined): string | undefined {
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!media || type.contentTypes.includes(media) || GENERIC_TYPES.includes(media)) return undefined;
  if (media === 'text/html' || media === 'application/xhtml+xml')
    return `the site answered with a page (${media}), not a ${type.what}`;
  return `served as ${media}, not a ${type.what}`;
}
