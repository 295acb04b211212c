import { useEffect, useState } from 'react';

/** A parsed `#/<id>/<param>` route (Electron loads from file://, so routes live in the hash). */
export interface HashRoute {
  /** The page id, e.g. `plugin`. */
  id: string;
  /** The decoded segment after the id, e.g. `echo` in `#/plugin/echo`; null when absent. */
  param: string | null;
}

/** Parses `#/<id>` or `#/<id>/<param>`; anything else gives the fallback id. */
export function parseHashRoute(hash: string, fallback: string): HashRoute {
  const match = /^#\/([\w-]+)(?:\/([^/?#]+))?/.exec(hash);
  if (!match) return { id: fallback, param: null };
  let param: string | null = null;
  if (match[2] !== undefined) {
    try {
      param = decodeURIComponent(match[2]);
    } catch {
      param = match[2];
    }
  }
  return { id: match[1]!, param };
}

/** The href of a page, with an optional parameter (encoded). */
export function hrefOf(id: string, param?: string): string {
  return param === undefined ? `#/${id}` : `#/${id}/${encodeURIComponent(param)}`;
}

function useRoute(fallback: string): HashRoute {
  const [route, setRoute] = useState(() => parseHashRoute(window.location.hash, fallback));
  useEffect(() => {
    const onChange = () => {
      const next = parseHashRoute(window.location.hash, fallback);
      setRoute((prev) => (prev.id === next.id && prev.param === next.param ? prev : next));
    };
    onChange();
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, [fallback]);
  return route;
}

/** The page id in `#/<id>`. */
export function useHashRoute(fallback: string): string {
  return useRoute(fallback).id;
}

/** The segment after the page id (`echo` in `#/plugin/echo`), or null. */
export function useHashParam(): string | null {
  return useRoute('').param;
}
