import { describe, expect, it } from 'vitest';
import { ConductorError } from '../../shared/result';
import { ChunkStream } from './chunk-stream';

describe('ChunkStream', () => {
  it('delivers chunks in order and gives credit as they are read', async () => {
    const s = new ChunkStream({ highWaterMark: 2 });
    const credits: number[] = [];
    let sent = 0;
    s.onDemand((more) => {
      credits.push(more);
      // A well-behaved producer sends only what it was given credit for.
      for (let i = 0; i < more && sent < 5; i++) s.push(sent++);
      if (sent === 5) s.end();
    });
    expect(await s.collect()).toEqual([0, 1, 2, 3, 4]);
    expect(credits[0]).toBe(2);
    expect(s.count).toBe(5);
  });

  it('a failed stream throws its error to the reader after the chunks before it', async () => {
    const s = new ChunkStream();
    s.push('a');
    s.fail(new ConductorError('E_PLUGIN_ERROR', 'boom'));
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const c of s) seen.push(c);
      })(),
    ).rejects.toMatchObject({ code: 'E_PLUGIN_ERROR', message: 'boom' });
    expect(seen).toEqual(['a']);
  });

  it('a reader that stops early cancels the producer', async () => {
    const s = new ChunkStream();
    const cancelled: string[] = [];
    s.onCancel((r) => cancelled.push(r.message));
    s.push(1);
    s.push(2);
    for await (const c of s) {
      expect(c).toBe(1);
      break;
    }
    expect(cancelled).toEqual(['the caller stopped reading']);
  });

  it('an overrunning producer fails the stream instead of growing the buffer', async () => {
    const s = new ChunkStream({ highWaterMark: 2 });
    for (let i = 0; i < 100; i++) s.push(i);
    await expect(s.collect()).rejects.toMatchObject({ code: 'E_PLUGIN_ERROR' });
  });

  it('collect refuses more than its limit', async () => {
    const s = new ChunkStream();
    s.onDemand((more) => {
      for (let i = 0; i < more; i++) s.push(i);
    });
    await expect(s.collect(10)).rejects.toMatchObject({ code: 'E_PLUGIN_ERROR', message: expect.stringContaining('more than 10') });
  });
});
