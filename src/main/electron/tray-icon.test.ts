import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { OverallState } from '../../shared/domain';
import { drawStatusDot, TRAY_ICON_COLORS, TRAY_ICON_SIZES, trayIconColor, trayIconPng } from './tray-icon';

const STATES: OverallState[] = ['starting', 'ready', 'degraded', 'down', 'stopping'];

function pixel(pixels: Uint8Array, size: number, x: number, y: number) {
  const i = (y * size + x) * 4;
  return { r: pixels[i], g: pixels[i + 1], b: pixels[i + 2], a: pixels[i + 3] };
}

describe('trayIconColor', () => {
  it('gives every overall state its own colour', () => {
    const colours = STATES.map((s) => JSON.stringify(trayIconColor(s)));
    expect(new Set(colours).size).toBe(STATES.length);
  });

  it('is green when ready, amber when degraded, red when down', () => {
    const ready = trayIconColor('ready');
    expect(ready.g).toBeGreaterThan(ready.r);
    expect(ready.g).toBeGreaterThan(ready.b);
    const degraded = trayIconColor('degraded');
    expect(degraded.r).toBeGreaterThan(degraded.b);
    expect(degraded.g).toBeGreaterThan(degraded.b);
    const down = trayIconColor('down');
    expect(down.r).toBeGreaterThan(2 * down.g);
  });
});

describe('drawStatusDot', () => {
  it.each(TRAY_ICON_SIZES.map((s) => s.size))('draws an opaque dot of the colour on a transparent %i px square', (size) => {
    const color = TRAY_ICON_COLORS.degraded;
    const pixels = drawStatusDot(size, color);
    expect(pixels.length).toBe(size * size * 4);
    const mid = Math.floor(size / 2);
    expect(pixel(pixels, size, mid, mid)).toEqual({ ...color, a: 255 });
    expect(pixel(pixels, size, 0, 0).a).toBe(0);
    expect(pixel(pixels, size, size - 1, size - 1).a).toBe(0);
    // The ring is darker than the fill.
    const edge = pixel(pixels, size, mid, Math.ceil(size / 16));
    expect(edge.a).toBeGreaterThan(0);
    expect(edge.r!).toBeLessThan(color.r);
    // Symmetric.
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) expect(pixel(pixels, size, x, y)).toEqual(pixel(pixels, size, size - 1 - x, y));
    }
  });

  it('refuses a size it cannot draw', () => {
    expect(() => drawStatusDot(2, TRAY_ICON_COLORS.ready)).toThrow(/size/);
  });
});

describe('trayIconPng', () => {
  it('is a PNG of the requested size whose centre has the state’s colour', () => {
    for (const state of STATES) {
      const png = trayIconPng(state, 16);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(16);
      expect(png.readUInt32BE(20)).toBe(16);
      const idatLength = png.readUInt32BE(33);
      const raw = inflateSync(png.subarray(41, 41 + idatLength));
      const row = 8 * (16 * 4 + 1);
      const centre = raw.subarray(row + 1 + 8 * 4, row + 1 + 8 * 4 + 4);
      expect([...centre]).toEqual([trayIconColor(state).r, trayIconColor(state).g, trayIconColor(state).b, 255]);
    }
  });
});
