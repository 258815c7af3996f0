/**
 * Simulation: runs a procedure document against start data and a list of events with the pure engine, firing
 * deadlines that fall due before each event, and returns the trace. Nothing is stored.
 */
import {
  compileProcedure,
  expireDeadline,
  provisionalMarks,
  start,
  step,
  validateProcedure,
  type CompiledProcedure,
  type Instance,
  type ProcedureDoc,
  type ResolvedPack,
  type StepResult,
  calendar,
} from '../../engine';
import { DomainError as ApiError } from '../errors';
import { instant } from '../time/iso';

/**
 * A simulation is an untrusted definition run on request: every step is bounded by the engine's step budget, the
 * whole run by this many steps (start, events, deadline firings), and it yields to the event loop between steps so
 * the server keeps answering others meanwhile.
 */
export const SIMULATION_STEPS = 2_000;

const breathe = () => new Promise<void>((r) => setImmediate(r));

export interface SimulateBody {
  data: Record<string, unknown>;
  at?: string;
  events?: { type: string; payload?: unknown; actor?: { subject?: string; roles?: string[] }; at?: string }[];
  definition?: unknown;
}

function entry(proc: CompiledProcedure, event: string, at: string, before: Instance | null, r: StepResult) {
  if (!r.ok) {
    return {
      event,
      at,
      from: before?.state ?? null,
      to: before?.state ?? null,
      state: before?.state ?? null,
      refused: { code: r.code, message: r.message, details: r.details },
      rules: [],
      effects: [],
      deadlines: (before?.deadlines ?? []).map((d) => ({ ...d, ...provisionalMarks(d) })),
      data: before?.data ?? null,
    };
  }
  const i = r.instance;
  return {
    event: r.history.type,
    at: r.history.at,
    from: r.history.from,
    to: r.history.to,
    state: i.state,
    status: i.status,
    rev: i.rev,
    rules: r.history.rules.map(({ provisional, ...x }) => ({
      ...x,
      ...(provisional?.length ? { provisional: true, provisionalYears: provisional } : {}),
    })),
    effects: r.effects.map((e) => ({ name: e.name, ...(e.params ? { params: e.params } : {}) })),
    deadlines: i.deadlines.map((d) => ({ ...d, ...provisionalMarks(d), title: proc.doc.deadlines[d.name]?.title })),
    data: i.data,
  };
}

export async function simulate(doc: ProcedureDoc, pack: ResolvedPack, body: SimulateBody, now: Date) {
  const problems = validateProcedure(doc, { parameters: pack.parameters });
  if (problems.length) {
    throw new ApiError(
      'INVALID_DEFINITION',
      {
        'zh-CN': `流程定义有 ${problems.length} 个问题,无法模拟`,
        en: `the definition has ${problems.length} problem(s) and cannot be simulated`,
      },
      problems,
    );
  }
  // a draft has no version yet; the trace does not depend on it
  const proc = compileProcedure({ ...doc, version: doc.version ?? 1 }, pack);
  let clock = body.at ? instant(body.at, '/at') : now;
  const times = (body.events ?? []).map((ev, i) => (ev.at ? instant(ev.at, `/events/${i}/at`) : null));
  const trace: ReturnType<typeof entry>[] = [];
  let steps = 0;
  const spend = async () => {
    if (++steps > SIMULATION_STEPS) {
      throw new ApiError(
        'INVALID_DEFINITION',
        {
          'zh-CN': `模拟超过 ${SIMULATION_STEPS} 步的上限`,
          en: `the simulation ran past its budget of ${SIMULATION_STEPS} steps`,
        },
        [
          {
            path: '/events',
            code: 'STEP_BUDGET',
            message: { 'zh-CN': `超过 ${SIMULATION_STEPS} 步`, en: `more than ${SIMULATION_STEPS} steps` },
          },
        ],
      );
    }
    await breathe();
  };
  await spend();
  const first = await start(
    proc,
    { id: 'simulation', data: body.data, actor: { subject: 'simulation', roles: ['admin'] } },
    { now: clock },
  );
  trace.push(entry(proc, 'START', calendar.toShanghaiISO(clock), null, first));
  if (!first.ok) return trace;
  let inst = first.instance;
  for (const [i, ev] of (body.events ?? []).entries()) {
    const at = times[i] ?? clock;
    if (at > clock) clock = at;
    for (let n = 0; n < 100; n++) {
      const due = inst.deadlines
        .filter((d) => !d.overdue && new Date(d.dueAt) <= clock)
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
      if (!due) break;
      await spend();
      const r = await expireDeadline(proc, inst, due.name, { now: new Date(due.dueAt) });
      trace.push(entry(proc, `DEADLINE:${due.name}`, due.dueAt, inst, r));
      if (!r.ok) break;
      inst = r.instance;
    }
    await spend();
    const roles = ev.actor?.roles ?? ['admin'];
    // the simulation acts for every role unless the events name some (the admin bypass is the server's, not the engine's)
    const r = await step(
      proc,
      inst,
      { type: ev.type, payload: ev.payload, actor: { subject: ev.actor?.subject ?? 'simulation', roles } },
      { now: clock },
      { anyRole: roles.includes('admin') },
    );
    trace.push(entry(proc, ev.type, calendar.toShanghaiISO(clock), inst, r));
    if (r.ok) inst = r.instance;
  }
  return trace;
}
