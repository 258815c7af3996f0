/** What every panel of the workspace needs: the document, the command runner, the selection. */
import { createContext, useContext } from 'react';
import type { PackParameter, ProblemDetail, ProcedureDoc } from '../../../engine/browser';
import type { Api, PackDetail } from '../api';
import type { ChartModel, PickField } from '../model';
import type { Command, Locks } from '../model/commands';
import type { ChartSelection } from '../canvas';

export type Selection =
  | ChartSelection
  | { kind: 'event'; name: string }
  | {
      kind: 'rule';
      name: string | null;
      /** A new rule made from a transition's guard editor: attached there when saved. */ forGuard?: string;
    }
  | { kind: 'deadline'; name: string | null; state?: string };

export interface Workspace {
  api: Api;
  packId: string;
  procId: string;
  pack: PackDetail;
  parameters: Record<string, PackParameter>;
  doc: ProcedureDoc;
  model: ChartModel;
  /** The fields a rule condition can read (start data, event payloads), with their titles. */
  catalog: PickField[];
  /** What the base pack locks (empty for a pack that extends none). */
  locks: Locks;
  problems: ProblemDetail[];
  /** Runs a command; returns false (and shows why) when it was refused. */
  run(cmd: Command): boolean;
  selection: Selection | null;
  select(sel: Selection | null, focus?: boolean): void;
  notify(message: string, kind?: 'info' | 'error'): void;
}

export const WorkspaceContext = createContext<Workspace | null>(null);

export function useWorkspace(): Workspace {
  const ws = useContext(WorkspaceContext);
  if (!ws) throw new Error('useWorkspace outside a workspace');
  return ws;
}

/** The workspace when inside one (the running-case view reuses some panels without one). */
export function useWorkspaceMaybe(): Partial<Workspace> {
  return useContext(WorkspaceContext) ?? {};
}
