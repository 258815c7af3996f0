/** The advanced JSON view: the whole document, kept in sync; applying it is one undoable command. */
import { useEffect, useState } from 'react';
import type { ProcedureDoc } from '../../../engine/browser';
import { commands as C } from '../model';
import { useI18n } from '../i18n';
import { useWorkspace } from '../workspace/context';

export function JsonPanel() {
  const { doc, run } = useWorkspace();
  const { t } = useI18n();
  const pretty = JSON.stringify(doc, null, 2);
  const [textValue, setText] = useState(pretty);
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!dirty) setText(pretty);
  }, [pretty, dirty]);
  const apply = () => {
    try {
      const next = JSON.parse(textValue) as ProcedureDoc;
      if (!next || typeof next !== 'object' || Array.isArray(next)) throw new Error('not an object');
      if (run(C.replaceDocument(next))) {
        setDirty(false);
        setError('');
      }
    } catch (e) {
      setError(t('jsonInvalid', { msg: (e as Error).message }));
    }
  };
  return (
    <div className="gz-jsonview" data-testid="json-panel">
      <p className="gz-muted">{t('jsonHelp')}</p>
      <textarea
        className="gz-json"
        spellCheck={false}
        value={textValue}
        data-testid="json-text"
        onChange={(e) => {
          setText(e.target.value);
          setDirty(true);
        }}
      />
      {error && (
        <div className="gz-error" data-testid="json-error">
          {error}
        </div>
      )}
      <div className="gz-row">
        <button type="button" className="gz-primary" data-testid="json-apply" disabled={!dirty} onClick={apply}>
          {t('apply')}
        </button>
        <button
          type="button"
          disabled={!dirty}
          onClick={() => {
            setDirty(false);
            setError('');
          }}
        >
          {t('cancel')}
        </button>
      </div>
    </div>
  );
}
