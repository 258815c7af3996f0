/**
 * The command stack: every edit is a named command applied to an immutable document; the stack
 * keeps the document before and after, so undo and redo restore exactly (diagram-js CommandStack,
 * with immutable documents instead of execute/revert pairs).
 *
 * A command edits a draft of the document (immer's `produce`): the result shares every part the edit did not touch
 * with the document before it, and is frozen, so the 200 documents the stack keeps cost what their edits changed, not
 * 200 copies, and nothing can change a kept document behind the stack's back. The stack keeps those documents rather
 * than immer's patches (`produceWithPatches`/`applyPatches`): with shared structure they cost about what patches
 * would, undo hands back the very document that was shown before — so "back to the saved document" is an identity
 * check (`isDirty`), and an undone edit cannot land differently than it was — and there is no inverse to compute or
 * to get wrong.
 */
import { produce } from 'immer';
import type { I18n, ProcedureDoc } from '../../../../engine/browser';

export interface Command {
  /** Command name, e.g. `addState`. */
  name: string;
  /** What the user sees in the undo tooltip, e.g. 新增状态「调解」. */
  label: I18n;
  /** Returns the next document; must not mutate `doc`. Throws CommandError when the edit is not possible. */
  apply(doc: ProcedureDoc): ProcedureDoc;
}

export class CommandError extends Error {
  constructor(readonly i18n: I18n) {
    super(i18n.en);
  }
}

export interface StackEntry {
  command: Command;
  before: ProcedureDoc;
  after: ProcedureDoc;
}

export interface EditorState {
  doc: ProcedureDoc;
  past: StackEntry[];
  future: StackEntry[];
  /** Bumped on every change (also undo/redo), for cheap change detection. */
  revision: number;
  /** The document as last saved (or loaded): the editor is dirty while it shows another (undo back to it is clean). */
  saved: ProcedureDoc;
}

/** Asked before a command's result is accepted: an error refuses it (e.g. it changes what a base pack locked). */
export type Check = (before: ProcedureDoc, after: ProcedureDoc, command: Command) => CommandError | null;

export const MAX_UNDO = 200;

export function createEditor(doc: ProcedureDoc): EditorState {
  return { doc, past: [], future: [], revision: 0, saved: doc };
}

export function execute(state: EditorState, command: Command, check?: Check): EditorState {
  const after = command.apply(state.doc);
  // An edit that changes nothing (the same title committed twice) does not go on the stack.
  if (after === state.doc || JSON.stringify(after) === JSON.stringify(state.doc)) return state;
  const refused = check?.(state.doc, after, command);
  if (refused) throw refused;
  const past = [...state.past, { command, before: state.doc, after }].slice(-MAX_UNDO);
  return { ...state, doc: after, past, future: [], revision: state.revision + 1 };
}

export function undo(state: EditorState): EditorState {
  const entry = state.past[state.past.length - 1];
  if (!entry) return state;
  return {
    ...state,
    doc: entry.before,
    past: state.past.slice(0, -1),
    future: [entry, ...state.future],
    revision: state.revision + 1,
  };
}

export function redo(state: EditorState): EditorState {
  const entry = state.future[0];
  if (!entry) return state;
  return {
    ...state,
    doc: entry.after,
    past: [...state.past, entry],
    future: state.future.slice(1),
    revision: state.revision + 1,
  };
}

export const canUndo = (s: EditorState) => s.past.length > 0;
export const canRedo = (s: EditorState) => s.future.length > 0;
export const nextUndo = (s: EditorState): Command | undefined => s.past[s.past.length - 1]?.command;
export const nextRedo = (s: EditorState): Command | undefined => s.future[0]?.command;
/** Undo and redo hand back the very documents they kept, so "back to the saved state" is the same object. */
export const isDirty = (s: EditorState) => s.doc !== s.saved;
export const markSaved = (s: EditorState, doc: ProcedureDoc = s.doc): EditorState => ({ ...s, saved: doc });

/** Helper to define a command whose `apply` edits a draft of the document (`original` is the document before). */
export function command(
  name: string,
  label: I18n,
  edit: (draft: ProcedureDoc, original: ProcedureDoc) => void,
): Command {
  return {
    name,
    label,
    apply: (doc) =>
      produce(doc, (draft) => {
        edit(draft as ProcedureDoc, doc);
      }),
  };
}

export const fail = (zh: string, en: string): never => {
  throw new CommandError({ 'zh-CN': zh, en });
};

/** Several commands as one (one step to undo): each applied to the result of the one before. */
export function sequence(name: string, label: I18n, commands: Command[]): Command {
  return { name, label, apply: (doc) => commands.reduce((d, c) => c.apply(d), doc) };
}
