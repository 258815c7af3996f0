import { describe, expect, it } from 'vitest';
import { RE2JS } from 're2js';
import { ajv, MEMO_CHARS, MEMO_SIZE, re2Engine } from '../../engine/validate/ajv';

describe('schema patterns on RE2 with answers kept for short strings', () => {
  it('answers as RE2 does, before and after the memo fills and is emptied', () => {
    const pattern = '^[a-z][a-z0-9_-]{0,30}$';
    const rx = re2Engine(pattern);
    const plain = RE2JS.compile(pattern);
    const inputs: string[] = [];
    // more distinct strings than the memo keeps, half matching, each asked twice (the second answer from the memo)
    for (let i = 0; i < MEMO_SIZE * 2 + 7; i++) inputs.push(i % 2 ? `case_${i}` : `${i}-不合规`);
    for (const s of [...inputs, ...inputs, ...inputs.slice().reverse()]) expect(rx.test(s), s).toBe(plain.test(s));
    expect(inputs.filter((s) => rx.test(s)).length).toBe(MEMO_SIZE + 3);
  });

  it('tests long strings afresh, in linear time, with the answer RE2 gives', () => {
    const rx = re2Engine('^(a+)+$');
    const long = 'a'.repeat(5_000) + 'b';
    expect(long.length).toBeGreaterThan(MEMO_CHARS);
    expect(rx.test(long)).toBe(false);
    expect(rx.test(long.slice(0, -1))).toBe(true);
    expect(rx.test('a'.repeat(MEMO_CHARS))).toBe(true);
    expect(rx.test('a'.repeat(MEMO_CHARS) + 'b')).toBe(false);
  });

  it('is the engine of the shared ajv: a pattern keyword refuses and accepts as before', () => {
    const validate = ajv.compile({ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
    expect(validate('2026-12-02')).toBe(true);
    expect(validate('2026-12-02')).toBe(true);
    expect(validate('2026-12-2')).toBe(false);
    expect(validate('2026-12-2')).toBe(false);
    expect(validate.errors?.[0]?.keyword).toBe('pattern');
  });
});
