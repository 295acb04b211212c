import { describe, expect, it } from 'vitest';
import { jsonDepth, tooDeep } from './json-depth';

describe('jsonDepth', () => {
  it('counts nesting, not brackets inside strings', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonDepth('{"a":"[[[[{{{{\\"]]"}')).toBe(1);
    expect(jsonDepth('[[[[]]]]', 2)).toBe(3);
  });

  it('names what nests too deep', () => {
    expect(tooDeep(`${'['.repeat(129)}${']'.repeat(129)}`, 'body')).toBe('body: nests deeper than 128 levels');
    expect(tooDeep(`${'['.repeat(128)}${']'.repeat(128)}`, 'body')).toBeNull();
  });
});
