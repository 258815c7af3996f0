/**
 * Replays an instance's history against its pinned procedure version (DESIGN decision 4): the same
 * events at the same times reproduce the same state, data and deadlines. A case an admin migrated
 * continues on the version its MIGRATED entry names (`procOf` gives it).
 */
import type { CompiledProcedure } from './compile';
import type { HistoryEntry, Instance, StepResult } from './types';
import { start, step, type StepEnv } from './step';
import { expireDeadline } from './expire';
import { RECALCULATED, applyRecalculation, type RecalculationPayload } from './recalculate';
import { MIGRATED, applyMigration, type MigrationPayload } from './migrate';
import { cancel } from './cancel';

export async function replay(
  first0: CompiledProcedure,
  id: string,
  history: HistoryEntry[],
  lookupInstance?: StepEnv['lookupInstance'],
  procOf?: (version: number) => CompiledProcedure | Promise<CompiledProcedure>,
): Promise<Instance> {
  let proc = first0;
  const [first, ...rest] = history;
  if (!first || first.type !== 'START') throw new Error('history must begin with START');
  let result: StepResult = await start(
    proc,
    { id, data: first.payload, actor: first.actor },
    { now: new Date(first.at), lookupInstance },
  );
  for (const h of rest) {
    if (!result.ok) break;
    if (h.type === RECALCULATED) {
      // the server moved deadlines after a holiday notice arrived: the recorded due times
      result = { ...result, instance: applyRecalculation(result.instance, h.payload as RecalculationPayload, h.at) };
      continue;
    }
    if (h.type === MIGRATED) {
      // an admin moved the case to another version: the recorded configuration and deadlines, then that version
      const payload = h.payload as MigrationPayload;
      if (!procOf) throw new Error(`replay: the history migrates to version ${payload.toVersion}; pass procOf`);
      proc = await procOf(payload.toVersion);
      result = { ...result, instance: applyMigration(result.instance, payload, h) };
      continue;
    }
    const env = { now: new Date(h.at), lookupInstance };
    const deadline = (h.payload as { deadline?: string } | undefined)?.deadline;
    const system = h.type === 'DEADLINE_EXPIRED' || !!proc.doc.events[h.type]?.system;
    // what the history records was authorised when it happened: roles are not checked again
    if (h.type === 'CANCEL' && h.actor) {
      result = cancel(
        proc,
        result.instance,
        { actor: h.actor, reason: String((h.payload as { reason?: unknown })?.reason ?? '') },
        env,
        { anyRole: true },
      );
      continue;
    }
    result =
      system && deadline
        ? await expireDeadline(proc, result.instance, deadline, env)
        : await step(proc, result.instance, { type: h.type, payload: h.payload, actor: h.actor }, env, {
            anyRole: true,
          });
  }
  if (!result.ok) throw new Error(`replay refused: ${result.code} ${result.message.en}`);
  return result.instance;
}
