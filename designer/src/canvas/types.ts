/** Data carried by canvas nodes and edges (already translated; the canvas only draws). */
import type { Node, Edge } from '@xyflow/react';
import type { Change, Route } from '../model';

export interface StateNodeData extends Record<string, unknown> {
  path: string;
  title: string;
  stateKey: string;
  kind: 'atomic' | 'compound' | 'final';
  initial: boolean;
  roles: string;
  deadlines: string;
  internal: { id: string; label: string; selected: boolean; mark?: Change }[];
  /** How many of its transitions name a missing target. */
  broken: number;
  active: boolean;
  visited: boolean;
  found: boolean;
  mark?: Change;
  problems: number;
  editing: boolean;
  onSelectInternal?: (id: string) => void;
  onRenamed?: (id: string, title: string | null) => void;
}

export interface TransitionEdgeData extends Record<string, unknown> {
  event: string;
  guard: string;
  sibling: number;
  route?: Route;
  mark?: Change;
  visited: boolean;
  refused: boolean;
  problem: boolean;
  onSelect?: (id: string) => void;
}

export type StateFlowNode = Node<StateNodeData, 'state' | 'group'>;
export type TransitionFlowEdge = Edge<TransitionEdgeData, 'transition'>;
