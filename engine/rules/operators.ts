/** Custom json-rules-engine operators: dates, sets, strict majority. Pure functions of (fact, value). */
import { isValidDate, isoWeekday } from '../calendar';

type Evaluator = (fact: unknown, value: unknown) => boolean;

const bothDates = (f: unknown, v: unknown): [string, string] | null =>
  isValidDate(f) && isValidDate(v) ? [f, v] : null;

function dateCompare(test: (a: string, b: string) => boolean): Evaluator {
  return (fact, value) => {
    const pair = bothDates(fact, value);
    return pair !== null && test(pair[0], pair[1]);
  };
}

export const OPERATORS: Record<string, Evaluator> = {
  dateOnOrBefore: dateCompare((a, b) => a <= b),
  dateOnOrAfter: dateCompare((a, b) => a >= b),
  dateBefore: dateCompare((a, b) => a < b),
  dateAfter: dateCompare((a, b) => a > b),
  includesAll: (fact, value) =>
    Array.isArray(fact) && Array.isArray(value) && value.every((v) => fact.includes(v)),
  moreThanHalfOf: (fact, value) =>
    typeof fact === 'number' && typeof value === 'number' && Number.isFinite(fact) && fact * 2 > value,
  isTrue: (fact) => fact === true,
  isFalse: (fact) => fact === false,
  exists: (fact) => fact !== undefined && fact !== null && fact !== '',
  notExists: (fact) => fact === undefined || fact === null || fact === '',
  isWeekday: (fact, value) => isValidDate(fact) && isoWeekday(fact) === value,
};

/** The operators json-rules-engine ships with. */
export const BUILTIN_OPERATORS = [
  'equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive',
  'in', 'notIn', 'contains', 'doesNotContain',
];

export const ALL_OPERATORS = new Set([...BUILTIN_OPERATORS, ...Object.keys(OPERATORS)]);
