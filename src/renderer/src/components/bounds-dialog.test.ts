import { describe, expect, it } from 'vitest';
import { validateBounds } from './bounds-dialog';

describe('instance bounds validation', () => {
  it('accepts 0 ≤ min ≤ max ≤ 64 with max ≥ 1', () => {
    expect(validateBounds('0', '1')).toBeNull();
    expect(validateBounds('2', '64')).toBeNull();
  });
  it('names the field and the rule', () => {
    expect(validateBounds('', '2')).toEqual({ min: 'Enter a whole number from 0 to 64.' });
    expect(validateBounds('1', '0')).toEqual({ max: 'Enter a whole number from 1 to 64.' });
    expect(validateBounds('1.5', '2')?.min).toMatch(/whole number/);
    expect(validateBounds('3', '2')).toEqual({ min: 'Minimum must not be more than the maximum.' });
    expect(validateBounds('1', '65')?.max).toMatch(/1 to 64/);
  });
});
