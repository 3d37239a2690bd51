/** A JSON object (not null, not an array), as a record of unknown values. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The top-level object of a version 1 cabsync JSON file (state, raw manifest, attachment manifest), or
 * why the text is not one. Callers throw their own typed error, naming the file.
 */
export function versionOne(
  text: string,
  what: string,
): { ok: true; data: Record<string, unknown> } | { ok: false; reason: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` };
  }
  return isObject(data) && data.version === 1
    ? { ok: true, data }
    : { ok: false, reason: `not a version 1 cabsync ${what}` };
}
