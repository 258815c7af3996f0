/** Custom json-rules-engine operators: dates, sets, strict majority. Pure functions of (fact, value). */
import { isValidDate, isoWeekday } from '../calendar/dates';

type Evaluator = (fact: unknown, value: unknown) => boolean;

const bothDates = (f: unknown, v: unknown): [string, string] | null =>
  isValidDate(f) && isValidDate(v) ? [f, v] : null;

function dateCompare(test: (a: string, b: string) => boolean): Evaluator {
  return (fact, value) => {
    const pair = bothDates(fact, value);
    return pair !== null && test(pair[0], pair[1]);
  };
}

type Party = { id?: unknown; name?: unknown };

/**
 * The party a reference names: the party with that id, else the one party with that name. Null when no party
 * has it as id and no party or several parties have it as name (two parties may share a name: then only ids work).
 */
export function partyNamed(ref: unknown, parties: unknown): Party | null {
  if (typeof ref !== 'string' || !Array.isArray(parties)) return null;
  const list = parties.filter((p): p is Party => !!p && typeof p === 'object');
  const byId = list.filter((p) => p.id === ref);
  if (byId.length === 1) return byId[0];
  if (byId.length > 1) return null;
  const byName = list.filter((p) => p.name === ref);
  return byName.length === 1 ? byName[0] : null;
}

export const OPERATORS: Record<string, Evaluator> = {
  dateOnOrBefore: dateCompare((a, b) => a <= b),
  dateOnOrAfter: dateCompare((a, b) => a >= b),
  dateBefore: dateCompare((a, b) => a < b),
  dateAfter: dateCompare((a, b) => a > b),
  // a Set (same equality as includes): the data and the definition can each bring a long list, and n × m is not bounded
  includesAll: (fact, value) => {
    if (!Array.isArray(fact) || !Array.isArray(value)) return false;
    const have = new Set(fact);
    return value.every((v) => have.has(v));
  },
  moreThanHalfOf: (fact, value) =>
    typeof fact === 'number' && typeof value === 'number' && Number.isFinite(fact) && fact * 2 > value,
  atLeastTwoThirdsOf: (fact, value) =>
    typeof fact === 'number' &&
    typeof value === 'number' &&
    Number.isFinite(fact) &&
    Number.isFinite(value) &&
    fact * 3 >= value * 2,
  /** Every reference in the fact array names exactly one of the parties in the value array (by id, or by a unique name). */
  identifiesParties: (fact, value) =>
    Array.isArray(fact) && Array.isArray(value) && fact.every((ref) => partyNamed(ref, value) !== null),
  /** The references in the fact array together name every party in the value array. */
  identifiesAllParties: (fact, value) => {
    if (!Array.isArray(fact) || !Array.isArray(value) || value.length === 0) return false;
    const named = new Set(fact.map((ref) => partyNamed(ref, value)).filter((p) => p !== null));
    return value.every((p) => named.has(p as Party));
  },
  /** The fact array has no value twice (missing values are ignored). */
  allDistinct: (fact) => {
    if (!Array.isArray(fact)) return false;
    const seen = fact.filter((v) => v !== undefined && v !== null).map((v) => JSON.stringify(v));
    return new Set(seen).size === seen.length;
  },
  isTrue: (fact) => fact === true,
  isFalse: (fact) => fact === false,
  exists: (fact) => fact !== undefined && fact !== null && fact !== '',
  notExists: (fact) => fact === undefined || fact === null || fact === '',
  isWeekday: (fact, value) => isValidDate(fact) && isoWeekday(fact) === value,
};

/** The operators json-rules-engine ships with. */
export const BUILTIN_OPERATORS = [
  'equal',
  'notEqual',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
];

export const ALL_OPERATORS = new Set([...BUILTIN_OPERATORS, ...Object.keys(OPERATORS)]);

/** Operators whose result does not depend on the value (a condition still carries one, e.g. `true`). */
export const UNARY_OPERATORS = new Set(['isTrue', 'isFalse', 'exists', 'notExists']);
