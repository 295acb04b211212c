import { describe, expect, it } from 'vitest';
import { checkJson, lineColumn } from './requests-json';

const problem = (text: string) => {
  const r = checkJson(text);
  if (r.ok) throw new Error('expected a problem');
  return r.problem;
};

describe('checkJson', () => {
  it('accepts what JSON.parse accepts', () => {
    for (const text of ['{}', '[]', 'null', ' true ', '-0.5e+3', '"a\\u00e9\\n"', '{"a":[1,{"b":null}],"c":"x"}', '\n{\n  "k": 1\n}\n']) {
      const r = checkJson(text);
      expect(r).toEqual({ ok: true, value: JSON.parse(text) });
    }
  });

  it('points at a missing comma with line and column', () => {
    const p = problem('{\n  "a": 1\n  "b": 2\n}');
    expect(p).toMatchObject({ line: 3, column: 3 });
    expect(p.message).toBe('expected , or } in the object, found a string (is a comma missing?)');
  });

  it('names trailing commas, single quotes and unquoted keys', () => {
    expect(problem('{"a": 1,}')).toMatchObject({ message: 'trailing comma before }', line: 1, column: 9 });
    expect(problem('[1,]')).toMatchObject({ message: 'trailing comma before ]', column: 4 });
    expect(problem("{'a': 1}").message).toContain('double quotes');
    expect(problem('{a: 1}')).toMatchObject({ column: 2 });
  });

  it('says when the text is empty, cut short, or continues after the value', () => {
    expect(problem('   ').message).toContain('empty');
    expect(problem('{"a": ')).toMatchObject({ message: 'expected a value, found the end of the text', column: 7 });
    expect(problem('"abc')).toMatchObject({ message: 'unterminated string (missing closing ")', column: 1 });
    expect(problem('{} x')).toMatchObject({ message: 'unexpected "x" after the value', column: 4 });
  });

  it('rejects what JSON rejects in numbers and strings', () => {
    for (const text of ['01', '1.', '-', '1e', '.5', '"a\\x"', '"line\nbreak"', 'undefined', 'NaN']) {
      expect(checkJson(text).ok, text).toBe(false);
      expect(() => JSON.parse(text), text).toThrow();
    }
  });
});

describe('lineColumn', () => {
  it('counts from 1', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
