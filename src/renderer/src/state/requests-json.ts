/**
 * Checks the Requests console's payload before it is sent, and says exactly where it is wrong:
 * line, column and what was expected. A small strict JSON (RFC 8259) scanner; browsers' own
 * `JSON.parse` messages differ by engine and do not always name a line.
 */

export interface JsonProblem {
  message: string;
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units like the textarea's caret. */
  column: number;
}

export type JsonCheck = { ok: true; value: unknown } | { ok: false; problem: JsonProblem };

class Problem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function describe(ch: string | undefined): string {
  if (ch === undefined) return 'the end of the text';
  if (ch === '\n') return 'a line break';
  if (ch === '\t') return 'a tab';
  if (ch === "'") return "' (JSON strings use double quotes)";
  if (ch === '"') return 'a string';
  return JSON.stringify(ch);
}

/** After a value, the start of another one usually means a comma was left out. */
function missingComma(ch: string | undefined): string {
  return ch !== undefined && /["{[\d\-tfn]/.test(ch) ? ' (is a comma missing?)' : '';
}

function scan(text: string): void {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (message: string, at = i): never => {
    throw new Problem(message, at);
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') return object();
    if (ch === '[') return array();
    if (ch === '"') return string();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (ch === undefined) fail('expected a value, found the end of the text');
    return fail(`expected a value, found ${describe(ch)}`);
  };
  const object = () => {
    i++; // {
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') {
        fail(text[i] === '}' ? 'trailing comma before }' : `expected a property name in double quotes, found ${describe(text[i])}`);
      }
      string();
      ws();
      if (text[i] !== ':') fail(`expected : after the property name, found ${describe(text[i])}`);
      i++;
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`expected , or } in the object, found ${describe(text[i])}${missingComma(text[i])}`);
    }
  };
  const array = () => {
    i++; // [
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail('trailing comma before ]');
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`expected , or ] in the array, found ${describe(text[i])}${missingComma(text[i])}`);
    }
  };
  const string = () => {
    const start = i;
    i++; // "
    for (;;) {
      const ch = text[i];
      if (ch === undefined) throw new Problem('unterminated string (missing closing ")', start);
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === '\\') {
        const esc = text[i + 1];
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('expected 4 hex digits after \\u');
          i += 6;
        } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) {
          i += 2;
        } else {
          fail(`invalid escape \\${esc ?? ''}`);
        }
        continue;
      }
      if (ch < ' ') fail(`${describe(ch)} inside a string (write it as an escape, e.g. \\n)`);
      i++;
    }
  };
  const digits = () => {
    const start = i;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
    return i - start;
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') {
      i++;
      if (text[i] !== undefined && text[i]! >= '0' && text[i]! <= '9') fail('a number may not start with 0');
    } else if (digits() === 0) {
      fail(`expected a digit, found ${describe(text[i])}`);
    }
    if (text[i] === '.') {
      i++;
      if (digits() === 0) fail(`expected a digit after the decimal point, found ${describe(text[i])}`);
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (digits() === 0) fail(`expected a digit in the exponent, found ${describe(text[i])}`);
    }
  };

  ws();
  if (i === text.length) fail('the payload is empty; enter a JSON value such as {} or null');
  value();
  ws();
  if (i < text.length) fail(`unexpected ${describe(text[i])} after the value`);
}

/** 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses `text` as JSON, or says where and why it is not JSON. */
export function checkJson(text: string): JsonCheck {
  try {
    scan(text);
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    const offset = Math.min(error.offset, text.length);
    return { ok: false, problem: { message: error.message, offset, ...lineColumn(text, offset) } };
  }
  return { ok: true, value: JSON.parse(text) as unknown };
}
