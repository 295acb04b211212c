import { describe, expect, it } from 'vitest';
import { hrefOf, parseHashRoute } from './use-hash-route';

describe('hash routes', () => {
  it('reads the page id and the segment after it', () => {
    expect(parseHashRoute('#/plugins', 'overview')).toEqual({ id: 'plugins', param: null });
    expect(parseHashRoute('#/plugin/echo', 'overview')).toEqual({ id: 'plugin', param: 'echo' });
    expect(parseHashRoute('#/plugin/my%20x', 'overview')).toEqual({ id: 'plugin', param: 'my x' });
    expect(parseHashRoute('', 'overview')).toEqual({ id: 'overview', param: null });
    expect(parseHashRoute('#main', 'overview')).toEqual({ id: 'overview', param: null });
  });
  it('builds hrefs', () => {
    expect(hrefOf('plugin', 'a b')).toBe('#/plugin/a%20b');
    expect(hrefOf('logs')).toBe('#/logs');
  });
});
