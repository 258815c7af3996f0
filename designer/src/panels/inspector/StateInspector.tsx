/** Properties of one state: titles, key, final/initial, roles, child states, transitions out, deadlines. */
import { useState } from 'react';
import { commands as C, keyOf, parentPath, stateAt, edgeLabel, deadlineText, freshKey, text } from '../../model';
import { ClockIcon, LoopIcon } from '../../canvas/icons';
import { useI18n } from '../../i18n';
import { useWorkspace } from '../../workspace/context';
import { CheckList, CommitInput, Field, LinkButton, Section, TitleInputs } from '../widgets';
import { NewTransitionForm } from './NewTransitionForm';

export function StateInspector({ path }: { path: string }) {
  const ws = useWorkspace();
  const { t, lang, ids } = useI18n();
  const { doc, model, run, select } = ws;
  const node = model.byId.get(path);
  const state = stateAt(doc.machine, path);
  const [confirming, setConfirming] = useState(false);
  if (!node || !state) return null;
  const parent = parentPath(path);
  const isInitial =
    parent === null ? doc.machine.initial === node.key : stateAt(doc.machine, parent)?.initial === node.key;
  const out = model.edges.filter((e) => e.source === path);
  const roleOptions = Object.entries(doc.roles ?? {}).map(([k, r]) => ({ value: k, label: text(r.title, lang) || k }));

  const addChild = () => {
    const taken = Object.keys(state.states ?? {});
    const key = freshKey('step', taken);
    const n = taken.length + 1;
    if (run(C.addState({ parent: path, key, title: { 'zh-CN': `子状态${n}`, en: `Step ${n}` } })))
      select({ kind: 'state', id: `${path}.${key}` }, true);
  };

  return (
    <div className="gz-inspector" data-testid="state-inspector" data-state={path}>
      <Section title={`${t('state')} · ${text(node.title, lang) || node.key}`}>
        <TitleInputs value={state.meta?.title} testId="state-title" onCommit={(v) => run(C.setStateTitle(path, v))} />
        {ids && (
          <Field label={t('stateKey')} hint={t('identifierHelp')}>
            <CommitInput
              value={node.key}
              testId="state-key"
              onCommit={(k) => {
                if (run(C.renameStateKey(path, k))) select({ kind: 'state', id: parent ? `${parent}.${k}` : k });
              }}
            />
          </Field>
        )}
        <div className="gz-row">
          <label className="gz-check">
            <input
              type="checkbox"
              data-testid="state-final"
              checked={state.type === 'final'}
              disabled={node.kind === 'compound'}
              onChange={(e) => run(C.setFinal(path, e.target.checked))}
            />
            {t('finalState')}
          </label>
          {isInitial ? (
            <span className="gz-pill">{t('initialState')}</span>
          ) : (
            <button type="button" data-testid="state-make-initial" onClick={() => run(C.setInitial(path))}>
              {t('makeInitial')}
            </button>
          )}
          {node.kind !== 'final' && (
            <button type="button" data-testid="state-add-child" onClick={addChild}>
              {t('addChild')}
            </button>
          )}
        </div>
        <Field label={t('workRoles')}>
          <CheckList
            options={roleOptions}
            value={node.roles}
            testId="state-roles"
            onChange={(roles) => run(C.setStateRoles(path, roles))}
          />
        </Field>
      </Section>

      {node.kind !== 'final' && (
        <Section title={t('outgoing')} testId="state-transitions">
          <ul className="gz-list">
            {out.map((e) => {
              const l = edgeLabel(doc, e, lang, ids);
              const target = model.byId.get(e.target);
              return (
                <li key={e.id}>
                  <LinkButton onClick={() => select({ kind: 'edge', id: e.id })}>
                    {l.event} → {target ? text(target.title, lang) || target.key : e.target}{' '}
                    <span className="gz-muted">{l.guard}</span>
                  </LinkButton>
                </li>
              );
            })}
            {node.broken.map((b) => (
              <li key={b.id} className="gz-broken-item">
                <LinkButton
                  testId="state-broken-transition"
                  onClick={() => select({ kind: 'internal', id: b.id, node: path })}
                >
                  {edgeLabel(doc, b, lang, ids).event} →{' '}
                  <span className="gz-error-text">{t('brokenTarget', { target: b.target })}</span>
                </LinkButton>
              </li>
            ))}
            {node.internal.map((it) => (
              <li key={it.id}>
                <LinkButton onClick={() => select({ kind: 'internal', id: it.id, node: path })}>
                  <LoopIcon /> {edgeLabel(doc, it, lang, ids).event}{' '}
                  <span className="gz-muted">{edgeLabel(doc, it, lang, ids).guard}</span>
                </LinkButton>
              </li>
            ))}
          </ul>
          <NewTransitionForm source={path} />
        </Section>
      )}

      <Section
        title={t('stateDeadlines')}
        testId="state-deadlines"
        actions={
          <button
            type="button"
            data-testid="state-add-deadline"
            onClick={() => select({ kind: 'deadline', name: null, state: path })}
          >
            {t('addDeadline')}
          </button>
        }
      >
        <ul className="gz-list">
          {node.deadlines.map((d) => (
            <li key={d}>
              <LinkButton onClick={() => select({ kind: 'deadline', name: d })}>
                <ClockIcon /> {deadlineText(doc, d, ws.parameters, lang)}
              </LinkButton>
            </li>
          ))}
        </ul>
      </Section>

      <div className="gz-danger">
        {confirming ? (
          <>
            <span>{t('confirmDelete', { what: text(node.title, lang) || keyOf(path) })}</span>
            <button
              type="button"
              data-testid="state-delete-confirm"
              className="gz-danger-btn"
              onClick={() => {
                if (run(C.deleteState(path, node.title ?? undefined))) select(null);
                setConfirming(false);
              }}
            >
              {t('delete')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('cancel')}
            </button>
          </>
        ) : (
          <button
            type="button"
            data-testid="state-delete"
            className="gz-danger-btn"
            onClick={() => setConfirming(true)}
          >
            {t('delete')}
          </button>
        )}
      </div>
    </div>
  );
}
