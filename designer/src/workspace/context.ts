/** What every panel of the workspace needs: the document, the command runner, the selection. */
import { createContext, useContext } from 'react';
import type { PackParameter, ProcedureDoc } from '../../../engine/types';
import type { Api, PackDetail } from '../api';
import type { ChartModel } from '../model';
import type { Command } from '../model/commands';
import type { ChartSelection } from '../canvas';

export type Selection =
  | ChartSelection
  | { kind: 'event'; name: string }
  | { kind: 'rule'; name: string | null }
  | { kind: 'deadline'; name: string | null; state?: string };

export interface Workspace {
  api: Api;
  packId: string;
  procId: string;
  pack: PackDetail;
  parameters: Record<string, PackParameter>;
  doc: ProcedureDoc;
  model: ChartModel;
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
