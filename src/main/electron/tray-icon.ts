/**
 * The tray icon: a round dot whose colour follows the overall state, drawn in code and encoded
 * as PNG (pure: no electron import). The tray turns the PNGs into a `nativeImage` with one
 * representation per scale factor.
 */
import type { OverallState } from '../../shared/domain';
import { encodePng } from './png-encoder';

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** One colour per overall state; green, amber and red read as such on light and dark panels. */
export const TRAY_ICON_COLORS: Readonly<Record<OverallState, Rgb>> = {
  starting: { r: 0x3b, g: 0x82, b: 0xf6 }, // blue: on its way
  ready: { r: 0x2e, g: 0x9d, b: 0x5b }, // green
  degraded: { r: 0xe0, g: 0xa0, b: 0x00 }, // amber
  down: { r: 0xd9, g: 0x3a, b: 0x3a }, // red
  stopping: { r: 0x8a, g: 0x8f, b: 0x98 }, // grey: going away
};

export function trayIconColor(state: OverallState): Rgb {
  return TRAY_ICON_COLORS[state];
}

/** Icon sizes drawn, in pixels, with their scale factor (16 px at 1×, 32 px at 2×). */
export const TRAY_ICON_SIZES = [
  { size: 16, scaleFactor: 1 },
  { size: 32, scaleFactor: 2 },
] as const;

/** The ring around the dot: the fill darkened by this factor, so the dot stands out on any panel. */
const RING_SHADE = 0.62;
/** Sub-samples per pixel side for anti-aliased edges. */
const SUPERSAMPLE = 4;

/**
 * RGBA pixels of a `size`×`size` dot in `color`: transparent outside, a darker ring of about one
 * sixteenth of the size, anti-aliased edges.
 */
export function drawStatusDot(size: number, color: Rgb): Uint8Array {
  if (!Number.isInteger(size) || size < 4) throw new RangeError(`drawStatusDot: size must be an integer ≥ 4, got ${size}`);
  const pixels = new Uint8Array(size * size * 4);
  const centre = size / 2;
  const outer = size / 2 - size / 16; // a margin so the dot does not touch the panel's edge
  const ring = Math.max(1, size / 16);
  const inner = outer - ring;
  const ringColor = { r: Math.round(color.r * RING_SHADE), g: Math.round(color.g * RING_SHADE), b: Math.round(color.b * RING_SHADE) };
  const samples = SUPERSAMPLE * SUPERSAMPLE;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let fill = 0;
      let edge = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const dx = x + (sx + 0.5) / SUPERSAMPLE - centre;
          const dy = y + (sy + 0.5) / SUPERSAMPLE - centre;
          const d = Math.hypot(dx, dy);
          if (d <= inner) fill++;
          else if (d <= outer) edge++;
        }
      }
      const covered = fill + edge;
      if (covered === 0) continue;
      const i = (y * size + x) * 4;
      // Colour: the covered samples' mix of fill and ring; alpha: how much of the pixel is covered.
      pixels[i] = Math.round((color.r * fill + ringColor.r * edge) / covered);
      pixels[i + 1] = Math.round((color.g * fill + ringColor.g * edge) / covered);
      pixels[i + 2] = Math.round((color.b * fill + ringColor.b * edge) / covered);
      pixels[i + 3] = Math.round((255 * covered) / samples);
    }
  }
  return pixels;
}

/** The tray icon for `state` at `size` pixels, as a PNG file. */
export function trayIconPng(state: OverallState, size: number): Buffer {
  return encodePng(size, size, drawStatusDot(size, trayIconColor(state)));
}
