import { usageCells } from './plugin-format';

/** The CPU and memory cells of a plugin or instance row ("n/a", with why, for worker threads). */
export function UsageCells({ isolation, cpuPercent, rssBytes }: { isolation: 'process' | 'thread'; cpuPercent: number | null; rssBytes: number | null }) {
  const usage = usageCells(isolation, cpuPercent, rssBytes);
  return (
    <>
      <td className="mono num" title={usage.title}>
        {usage.cpu}
      </td>
      <td className="mono num" title={usage.title}>
        {usage.rss}
      </td>
    </>
  );
}
