import { useEffect, useState } from 'react';

/** The page id in `#/<id>` (Electron loads from file://, so routes live in the hash). */
export function useHashRoute(fallback: string): string {
  const read = () => {
    const match = /^#\/([\w-]+)/.exec(window.location.hash);
    return match?.[1] ?? fallback;
  };
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fallback]);
  return route;
}
