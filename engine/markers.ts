/**
 * Actions the engine adds to every compiled machine (never written in a document): on a state that has deadlines,
 * one on entry (arm them) and one on exit (drop them); on every transition, one carrying its JSON pointer, so a step
 * knows exactly which transitions it took.
 */
export const MARK = {
  /** Entry of a state with deadlines: `params.state` is its path. */
  armDeadlines: 'gz.armDeadlines',
  /** Exit of a state with deadlines: `params.state` is its path. */
  dropDeadlines: 'gz.dropDeadlines',
  /** A transition taken: `params.pointer` is its JSON pointer in the document. */
  transitionTaken: 'gz.transitionTaken',
} as const;

export const MARKERS: readonly string[] = Object.values(MARK);

/** The JSON pointers of the transitions taken, in order, from the actions XState returned. */
export function transitionsTaken(actions: unknown[]): string[] {
  return (actions as { type: string; params?: { pointer?: string } }[])
    .filter((a) => a.type === MARK.transitionTaken)
    .map((a) => String(a.params?.pointer));
}
