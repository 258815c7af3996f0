/**
 * The workload of the HTTP and store benchmarks: national `grid-event` cases (start data, the event loop
 * ASSIGN → handling → RETURN → dispatch that can repeat without end, and a realistic path to `closed`).
 */
export const GRID_DATA = {
  channel: 'hotline',
  category: '示例',
  emergency: 'none',
  inLitigationOrPetition: false,
  description: '示例',
  location: '示例',
};

/** The two events of the loop; a started case is in `dispatch`, where ASSIGN applies, then RETURN in `handling`. */
export const LOOP = {
  ASSIGN: { type: 'ASSIGN', payload: { unit: '示例单位', designated: false } },
  RETURN: { type: 'RETURN', payload: { reason: '示例' } },
} as const;

export type LoopEvent = keyof typeof LOOP;
export const nextInLoop = (e: LoopEvent): LoopEvent => (e === 'ASSIGN' ? 'RETURN' : 'ASSIGN');

/** A case's whole life: returned once, then handled, answered and rated (dispatch → … → closed), 5 events. */
export const REALISTIC_PATH = [
  LOOP.ASSIGN,
  LOOP.RETURN,
  { type: 'ASSIGN', payload: { unit: '示例单位', designated: true } },
  { type: 'REPLY', payload: { result: '已处理(示例)' } },
  { type: 'RATE', payload: { satisfied: true } },
];

/** The admin as the case service sees it (the server's admin token). */
export const ADMIN = { subject: 'admin', roles: ['admin'], packs: '*' as const, tokenId: null };

/** The controlled clock's instant for every benchmark server. */
export const NOW = '2025-09-26T09:00:00+08:00';
