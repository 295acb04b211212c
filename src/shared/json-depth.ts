/**
 * Deeply nested JSON parses fine but breaks whatever walks it recursively later (JSON.stringify,
 * structured clone, String()), so every boundary refuses it before parsing. 128 levels is far
 * more than any real payload uses.
 */
export const MAX_JSON_DEPTH = 128;

/** The nesting depth of a JSON text (brackets inside strings do not count); stops early past `max`. */
export function jsonDepth(text: string, max = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > max) return deepest;
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return deepest;
}

/** A message naming the problem, or null when the text nests at most `max` levels. */
export function tooDeep(text: string, what: string, max = MAX_JSON_DEPTH): string | null {
  return jsonDepth(text, max) > max ? `${what}: nests deeper than ${max} levels` : null;
}
