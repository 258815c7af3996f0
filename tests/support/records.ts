/**
 * A national grid-event case's record as the file store keeps it, in state `dispatch`: the cases the store's own
 * tests (checkpoints, back-pressure, freezing, a full disk) write, without going through the engine.
 */
import type { CaseRecord, StoredHistoryEntry } from '../../server/store';

const AT = '2025-09-26T10:00:00.000+08:00';

/** `rev` entries: the START, then ASSIGNs that stay in `dispatch`. */
function loopHistory(rev: number, at: string): StoredHistoryEntry[] {
  return Array.from({ length: rev }, (_, k) => ({
    seq: k + 1,
    at,
    type: k ? 'ASSIGN' : 'START',
    from: k ? 'dispatch' : null,
    to: 'dispatch',
    rules: [],
    effects: [],
  }));
}

export function gridRecord(
  id: string,
  o: { rev?: number; data?: Record<string, unknown>; history?: StoredHistoryEntry[]; at?: string } = {},
): CaseRecord {
  const at = o.at ?? AT;
  const rev = o.rev ?? o.history?.length ?? 1;
  return {
    instance: {
      id,
      pack: 'national',
      procedure: 'grid-event',
      version: 1,
      rev,
      status: 'active',
      state: 'dispatch',
      stateValue: 'dispatch',
      data: o.data ?? {},
      deadlines: [],
      overdue: false,
      createdAt: at,
      updatedAt: at,
    },
    history: o.history ?? loopHistory(rev, at),
    outbox: [],
    idempotency: [],
  };
}
