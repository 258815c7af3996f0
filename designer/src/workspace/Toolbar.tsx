/** The editing toolbar: add / delete, undo / redo (with the command's name), save, publish, export. */
import { useState } from 'react';
import { commands as C } from '../model';
import { useI18n } from '../i18n';

export interface ToolbarProps {
  editor: C.EditorState;
  editable: boolean;
  canAddChild: boolean;
  canDelete: boolean;
  status: string;
  busy: boolean;
  /** Problems that keep the draft from being published. */
  problemCount: number;
  onAddState(final: boolean): void;
  onAddChild(): void;
  onDelete(): void;
  onUndo(): void;
  onRedo(): void;
  onSave(): void;
  onPublish(note: string): void;
  onExport(kind: 'svg' | 'png'): void;
  onAutoLayout(): void;
}

export function Toolbar(p: ToolbarProps) {
  const { t, pick } = useI18n();
  const [confirmPublish, setConfirmPublish] = useState(false);
  const [note, setNote] = useState('');
  const u = C.nextUndo(p.editor);
  const r = C.nextRedo(p.editor);
  const dirty = C.isDirty(p.editor);
  return (
    <div className="gz-toolbar" data-testid="toolbar">
      <div className="gz-group">
        <button type="button" data-testid="add-state" disabled={!p.editable} onClick={() => p.onAddState(false)}>
          {t('addState')}
        </button>
        <button type="button" data-testid="add-child" disabled={!p.editable || !p.canAddChild} onClick={p.onAddChild}>
          {t('addChild')}
        </button>
        <button type="button" data-testid="add-final" disabled={!p.editable} onClick={() => p.onAddState(true)}>
          {t('addFinal')}
        </button>
        <button type="button" data-testid="delete-selected" disabled={!p.editable || !p.canDelete} onClick={p.onDelete}>
          {t('delete')}
        </button>
      </div>
      <div className="gz-group">
        <button
          type="button"
          data-testid="undo"
          disabled={!u}
          title={u ? t('undoWhat', { what: pick(u.label) }) : t('nothingToUndo')}
          onClick={p.onUndo}
        >
          {t('undo')}
        </button>
        <button
          type="button"
          data-testid="redo"
          disabled={!r}
          title={r ? t('redoWhat', { what: pick(r.label) }) : t('nothingToRedo')}
          onClick={p.onRedo}
        >
          {t('redo')}
        </button>
        <button type="button" data-testid="auto-layout" disabled={!p.editable} onClick={p.onAutoLayout}>
          {t('resetLayout')}
        </button>
      </div>
      <div className="gz-group">
        <span className={`gz-status${dirty ? ' is-dirty' : ''}`} data-testid="doc-status">
          {p.status}
          {dirty ? ` · ${t('unsaved')}` : ''}
        </span>
        <button type="button" data-testid="save-draft" disabled={p.busy} onClick={p.onSave}>
          {t('saveDraft')}
        </button>
        {confirmPublish ? (
          <span className="gz-confirm">
            {t('publishConfirm')}
            <input
              value={note}
              placeholder={t('publishNote')}
              aria-label={t('publishNote')}
              data-testid="publish-note"
              onChange={(e) => setNote(e.target.value)}
            />
            <button
              type="button"
              className="gz-primary"
              data-testid="publish-confirm"
              disabled={p.busy}
              onClick={() => {
                setConfirmPublish(false);
                p.onPublish(note.trim());
                setNote('');
              }}
            >
              {t('publish')}
            </button>
            <button type="button" onClick={() => setConfirmPublish(false)}>
              {t('cancel')}
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="gz-primary"
            data-testid="publish"
            disabled={p.busy || p.problemCount > 0}
            title={p.problemCount > 0 ? t('publishBlocked', { n: p.problemCount }) : undefined}
            onClick={() => setConfirmPublish(true)}
          >
            {t('publish')}
          </button>
        )}
      </div>
      <div className="gz-group">
        <button type="button" data-testid="export-svg" onClick={() => p.onExport('svg')}>
          {t('exportSvg')}
        </button>
        <button type="button" data-testid="export-png" onClick={() => p.onExport('png')}>
          {t('exportPng')}
        </button>
      </div>
    </div>
  );
}
