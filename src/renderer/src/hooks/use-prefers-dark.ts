import { useEffect, useState } from 'react';

const QUERY = '(prefers-color-scheme: dark)';

/** True while the OS (or the browser's emulation) asks for a dark theme; follows changes. */
export function usePrefersDark(): boolean {
  const [dark, setDark] = useState(() => typeof window !== 'undefined' && window.matchMedia?.(QUERY).matches === true);
  useEffect(() => {
    const media = window.matchMedia?.(QUERY);
    if (!media) return;
    const onChange = () => setDark(media.matches);
    onChange();
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  return dark;
}
