/**
 * Why a rule did not hold, in words: the rule's conditions evaluated again (the engine's own evaluator) on the
 * facts of the refused step — the case data before it, the event's payload, the pack's parameters, the step's
 * date — keeping each condition's actual value: "标的额(元) 为 80,000,要求 不超过 小额诉讼上限(50,000 元)".
 */
import type { CalendarData, PackParameter, ProcedureDoc } from '../../../engine/browser';
import { inlineParams, shanghaiDate } from '../../../engine/browser';
import { explainCondition, type ConditionTrace } from '../../../engine/browser-rules';
import { translate } from '../i18n/strings';
import { findField, leafSentence, literalText, type Ctx } from './rules';

export interface FailedCondition {
  /** The condition as a sentence. */
  sentence: string;
  /** The actual value, in words. */
  actual: string;
}

export interface ExplainInput {
  doc: ProcedureDoc;
  rule: string;
  data: unknown;
  payload: unknown;
  at: string | undefined;
  parameters: Record<string, PackParameter>;
  calendar: CalendarData | undefined;
  packData: Record<string, unknown> | undefined;
}

/** The conditions that made the rule false (for `not`: the inner conditions that held). */
export function failedConditions(input: ExplainInput, ctx: Ctx): FailedCondition[] {
  const rule = input.doc.rules?.[input.rule];
  if (!rule) return [];
  const params = Object.fromEntries(Object.entries(input.parameters).map(([k, p]) => [k, p.value]));
  const at = input.at ? new Date(input.at) : new Date();
  const facts = {
    data: input.data ?? {},
    event: input.payload ?? {},
    params,
    today: shanghaiDate(at),
    now: at.toISOString(),
  };
  const calendar = input.calendar ?? { years: [], holidays: [], workdays: [] };
  let trace: ConditionTrace;
  try {
    trace = explainCondition(inlineParams(rule.conditions, params), facts, {
      calendar,
      packData: input.packData ?? {},
    });
  } catch {
    return [];
  }
  const out: FailedCondition[] = [];
  const original = rule.conditions;
  const walk = (t: ConditionTrace, cond: unknown, want: boolean) => {
    if (t.result === want) return;
    if (t.kind === 'leaf' && t.leaf) {
      const leaf = cond as Parameters<typeof leafSentence>[0];
      const field = findField(ctx.catalog, leaf.fact, leaf.path);
      out.push({
        sentence: leafSentence(leaf, ctx),
        actual:
          t.leaf.actual === undefined ? translate(ctx.lang, 'notGiven') : literalText(t.leaf.actual, field, ctx.lang),
      });
      return;
    }
    const c = cond as Record<string, unknown>;
    const kids = t.kind === 'not' ? [c.not] : (c[t.kind] as unknown[]);
    (t.children ?? []).forEach((k, i) => walk(k, kids[i], t.kind === 'not' ? !want : want));
  };
  walk(trace, original, true);
  return out;
}
