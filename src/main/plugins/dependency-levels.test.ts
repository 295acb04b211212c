import { describe, expect, it } from 'vitest';
import { dependencyLevels, type DependencyNode } from './dependency-levels';

const node = (name: string, ...dependsOn: string[]): DependencyNode => ({ name, manifest: { dependsOn } });
const names = (levels: DependencyNode[][]) => levels.map((level) => level.map((n) => n.name));

describe('dependencyLevels', () => {
  it('groups by depth: independent plugins together, each dependent one level after its deepest dependency', () => {
    const levels = dependencyLevels([node('top', 'middle'), node('middle', 'base'), node('base'), node('free'), node('two', 'base', 'top')]);
    expect(names(levels)).toEqual([['base', 'free'], ['middle'], ['top'], ['two']]);
  });

  it('keeps the given order within a level', () => {
    expect(names(dependencyLevels([node('c'), node('a'), node('b')]))).toEqual([['c', 'a', 'b']]);
  });

  it('a dependency outside the list adds no depth (the dependent waits for it at run time)', () => {
    expect(names(dependencyLevels([node('uses-disabled', 'disabled'), node('x')]))).toEqual([['uses-disabled', 'x']]);
  });

  it('a cycle (refused by discovery) does not loop: every plugin is placed once', () => {
    const levels = dependencyLevels([node('a', 'b'), node('b', 'a'), node('c', 'a')]);
    expect(levels.flat().map((n) => n.name).sort()).toEqual(['a', 'b', 'c']);
  });

  it('no plugins, no levels', () => {
    expect(dependencyLevels([])).toEqual([]);
  });
});
