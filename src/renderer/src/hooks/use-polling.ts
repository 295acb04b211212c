import { useEffect, useRef } from 'react';

/**
 * Calls `poll` now and then every `intervalMs` while `enabled` and the page is visible; never
 * overlaps calls (a slow answer delays the next one instead of piling them up).
 */
export function usePolling(poll: () => Promise<void>, intervalMs: number, enabled = true): void {
  const latest = useRef(poll);
  latest.current = poll;
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (stopped) return;
      if (typeof document === 'undefined' || !document.hidden) {
        try {
          await latest.current();
        } catch {
          // The poller reports its own errors; a throw must not stop the loop.
        }
      }
      if (!stopped) timer = setTimeout(() => void run(), intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [intervalMs, enabled]);
}
