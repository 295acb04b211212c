import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { LogEntry } from '../../../../shared/domain';
import { formatCount } from '../../format';
import { LogRow } from './log-row';

/** Every row has this height (px), so keeping rows on screen when the head changes is exact. */
export const LOG_ROW_HEIGHT = 24;
/** Within this many rows of the top, the next older page is loaded. */
const LOAD_OLDER_WITHIN_ROWS = 15;
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 12;

export interface LogListProps {
  entries: LogEntry[];
  headShift: { version: number; rows: number };
  resetVersion: number;
  paused: boolean;
  hasOlder: boolean;
  hasNewer: boolean;
  loadingOlder: boolean;
  pendingCount: number;
  /** The seq of the selected entry. */
  selectedSeq: number | null;
  onSelect(seq: number | null): void;
  onLoadOlder(): void;
  onJumpToLatest(): void;
  /** Tells the page whether the view is at the newest row (following the tail). */
  onFollowingChange?(following: boolean): void;
}

/**
 * The virtualised log: only the rows in view (plus a few) are in the DOM. Follows the tail while
 * scrolled to the bottom; keeps the same rows on screen when older entries come in above or the
 * oldest are dropped; loads older entries when scrolled near the top.
 */
export function LogList(props: LogListProps) {
  const { entries, headShift, resetVersion, paused, hasOlder, hasNewer, loadingOlder, pendingCount, selectedSeq, onSelect, onLoadOlder, onJumpToLatest, onFollowingChange } = props;
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const following = useRef(true);
  const [atBottom, setAtBottom] = useState(true);

  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LOG_ROW_HEIGHT,
    overscan: OVERSCAN,
    getItemKey: (index) => entries[index]?.seq ?? index,
  });

  const setFollowing = useCallback(
    (value: boolean) => {
      following.current = value;
      setAtBottom(value);
      onFollowingChange?.(value);
    },
    [onFollowingChange],
  );

  const scrollToEnd = useCallback(() => {
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  // Older rows came in above (or the oldest went): move by as many rows, so the view stays put.
  const lastShift = useRef(headShift.version);
  useLayoutEffect(() => {
    if (headShift.version === lastShift.current) return;
    lastShift.current = headShift.version;
    const el = scrollRef.current;
    if (el && !(following.current && !paused)) el.scrollTop = Math.max(0, el.scrollTop + headShift.rows * LOG_ROW_HEIGHT);
  }, [headShift, paused]);

  // A new window (filter, jump): show its newest rows.
  useLayoutEffect(() => {
    scrollToEnd();
    setFollowing(true);
  }, [resetVersion, scrollToEnd, setFollowing]);

  // New rows at the tail: stay at the bottom while following.
  useLayoutEffect(() => {
    if (following.current && !paused) scrollToEnd();
  }, [entries, paused, scrollToEnd]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight <= LOG_ROW_HEIGHT * 1.5;
    if (bottom !== following.current) setFollowing(bottom);
    if (el.scrollTop <= LOAD_OLDER_WITHIN_ROWS * LOG_ROW_HEIGHT && hasOlder && !loadingOlder) onLoadOlder();
  };

  // A short window may not scroll at all; older pages are then loaded on the way in.
  useEffect(() => {
    const el = scrollRef.current;
    if (el && hasOlder && !loadingOlder && entries.length > 0 && el.scrollHeight <= el.clientHeight + LOAD_OLDER_WITHIN_ROWS * LOG_ROW_HEIGHT) onLoadOlder();
  }, [entries.length, hasOlder, loadingOlder, onLoadOlder]);

  const onKeyDown = (ev: KeyboardEvent<HTMLDivElement>) => {
    if (entries.length === 0) return;
    let next: number | null = null;
    const found = selectedSeq === null ? -1 : entries.findIndex((e) => e.seq === selectedSeq);
    const current = found >= 0 ? found : entries.length;
    if (ev.key === 'ArrowDown') next = Math.min(entries.length - 1, current + 1);
    else if (ev.key === 'ArrowUp') next = Math.max(0, current - 1);
    else if (ev.key === 'Escape' && selectedSeq !== null) {
      onSelect(null);
      ev.preventDefault();
      return;
    }
    if (next === null) return;
    ev.preventDefault();
    onSelect(entries[next]!.seq);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const showJump = paused || hasNewer || !atBottom;
  const items = virtualizer.getVirtualItems();

  return (
    <div className="log-viewport">
      <div
        ref={scrollRef}
        className="log-scroll"
        role="list"
        aria-label="Log entries"
        aria-describedby="log-list-help"
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        <div className="log-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const entry = entries[item.index]!;
            return (
              <LogRow
                key={item.key}
                entry={entry}
                index={item.index}
                setSize={entries.length}
                top={item.start}
                height={LOG_ROW_HEIGHT}
                selected={entry.seq === selectedSeq}
                onSelect={onSelect}
              />
            );
          })}
        </div>
      </div>
      {/* Drawn over the list, so it does not move the rows while it shows. */}
      {loadingOlder && (
        <div className="log-older" role="status">
          <span className="spinner" aria-hidden="true" /> Loading older entries…
        </div>
      )}
      <p id="log-list-help" className="visually-hidden">
        Up and down arrows select an entry; its full text is shown below the list. Escape clears the selection.
      </p>
      {showJump && (
        <button
          type="button"
          className="button log-jump"
          onClick={() => {
            onJumpToLatest();
            scrollToEnd();
            setFollowing(true);
          }}
        >
          Jump to latest{pendingCount > 0 ? ` (${formatCount(pendingCount)} new)` : ''}
        </button>
      )}
    </div>
  );
}
