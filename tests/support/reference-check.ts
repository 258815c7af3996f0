/**
 * Compiles a procedure whose every rule evaluation is recorded, then replays each one with json-rules-engine (the
 * reference, engine/rules/reference.ts) on the same facts: the answers, the provisional years read and the failures
 * must be the same. Used where the engine runs real steps (bundled scenarios, dated law, calendar failures).
 */
import {
  compileProcedure,
  CalendarError,
  type CompiledProcedure,
  type ProcedureDoc,
  type ResolvedPack,
} from '../../engine';
import type { FactInput, RuleOutcome } from '../../engine/rules';
import { ReferenceRule } from '../../engine/rules/reference';

type Seen = { rule: string; input: FactInput; outcome: RuleOutcome };

const kind = (o: RuleOutcome) =>
  'error' in o ? { error: o.error instanceof CalendarError ? o.error.code : String(o.error) } : o;

export function withReferenceCheck(
  doc: ProcedureDoc,
  pack: ResolvedPack,
): { proc: CompiledProcedure; evaluations: () => number; disagreements: () => Promise<unknown[]> } {
  const seen: Seen[] = [];
  const proc = compileProcedure(doc, pack, {
    observeRules: (rule, input, outcome) => seen.push({ rule, input: { ...input }, outcome }),
  });
  const reference = new Map<string, ReferenceRule>();
  return {
    proc,
    evaluations: () => seen.length,
    async disagreements() {
      const out: unknown[] = [];
      for (const { rule, input, outcome } of seen) {
        let ref = reference.get(rule);
        if (!ref)
          reference.set(rule, (ref = new ReferenceRule(proc.rules.rules[rule].conditions, proc.rules.ctx, rule)));
        const provisional = new Set<number>();
        let answer: RuleOutcome;
        try {
          answer = {
            result: await ref.evaluate({ ...input, provisional }),
            provisional: [...provisional].sort((a, b) => a - b),
          };
        } catch (error) {
          answer = { error };
        }
        const [mine, theirs] = [kind(outcome), kind(answer)];
        if (JSON.stringify(mine) !== JSON.stringify(theirs))
          out.push({
            rule,
            data: input.data,
            event: input.event,
            today: input.today,
            compiled: mine,
            reference: theirs,
          });
      }
      return out;
    },
  };
}
