/** Properties of one transition: event, target, guard, order among branches; links to the event and rules. */
import { useState } from 'react';
import type { TransitionJSON } from '../../../../engine/browser';
import {
  commands as C,
  ownerAt,
  transitionList,
  transitionPointer,
  statePaths,
  text,
  type TransitionRef,
} from '../../model';
import { useI18n } from '../../i18n';
import { useWorkspace } from '../../workspace/context';
import { Field, LinkButton, Section, Select } from '../widgets';
import { GuardEditor, refOfTransition } from './GuardEditor';

const AUTO = '__auto__';
const STAY = '__stay__';

export function TransitionInspector({ id }: { id: string }) {
  const { doc, model, run, select } = useWorkspace();
  const { t, lang, ids } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const edge = model.edges.find((e) => e.id === id);
  const found = refOfTransition(model, id);
  const ref: TransitionRef | null = found ? { source: found.source, event: found.event, index: found.index } : null;
  const broken = model.nodes.flatMap((n) => n.broken).find((b) => b.id === id);
  if (!ref) return <div className="gz-muted">{t('notFound')}</div>;
  const owner = ownerAt(doc.machine, ref.source);
  const tr: TransitionJSON | undefined = owner ? transitionList(owner, ref.event)[ref.index] : undefined;
  if (!tr) return <div className="gz-muted">{t('notFound')}</div>;
  const count = owner ? transitionList(owner, ref.event).length : 1;
  const sourceNode = model.byId.get(ref.source!);
  /** Runs the command, then keeps the same transition selected at its new place. */
  const runAndTrack = (cmd: C.Command, next: TransitionRef | null) => {
    let after: typeof doc | null = null;
    try {
      after = cmd.apply(doc);
    } catch {
      after = null;
    }
    if (!run(cmd) || !next || !after) return;
    const o = ownerAt(after.machine, next.source);
    const moved = o ? transitionList(o, next.event)[next.index] : undefined;
    const ptr = transitionPointer(after, next);
    select(moved?.target !== undefined ? { kind: 'edge', id: ptr } : { kind: 'internal', id: ptr, node: next.source! });
  };

  const eventOptions = [
    ...Object.entries(doc.events ?? {}).map(([k, e]) => ({
      value: k,
      label: `${text(e.title, lang) || k}${ids ? ` (${k})` : ''}`,
    })),
    { value: AUTO, label: t('automatic') },
  ];
  const targetOptions = [
    { value: STAY, label: t('stay') },
    ...statePaths(doc).map((p) => ({
      value: p,
      label: `${text(model.byId.get(p)?.title, lang) || p}${ids ? ` (${p})` : ''}`,
    })),
  ];

  return (
    <div className="gz-inspector" data-testid="transition-inspector" data-transition={id}>
      <Section title={t('transition')}>
        <p className="gz-muted">
          {t('from')}:
          <LinkButton onClick={() => select({ kind: 'state', id: ref.source! })}>
            {text(sourceNode?.title, lang) || ref.source}
          </LinkButton>
        </p>
        <Field label={t('event')}>
          <Select
            value={ref.event ?? AUTO}
            options={eventOptions}
            testId="transition-event"
            onChange={(v) => {
              const ev = v === AUTO ? null : v;
              runAndTrack(C.setTransitionEvent(ref, ev), C.refAfterEventChange(doc, ref, ev));
            }}
          />
        </Field>
        {ref.event && (
          <LinkButton testId="transition-edit-event" onClick={() => select({ kind: 'event', name: ref.event! })}>
            {t('editEvent')}「{text(doc.events?.[ref.event]?.title, lang) || ref.event}」
          </LinkButton>
        )}
        <Field label={t('target')}>
          {broken && (
            <div className="gz-error" data-testid="transition-broken">
              {t('brokenTarget', { target: broken.target })}
            </div>
          )}
          <Select
            value={edge ? edge.target : broken ? '' : STAY}
            options={targetOptions}
            placeholder={broken ? t('choose') : undefined}
            testId="transition-target"
            onChange={(v) => {
              runAndTrack(C.setTransitionTarget(ref, v === STAY ? null : v), ref);
            }}
          />
        </Field>
        <GuardEditor guard={tr.guard} transition={id} onChange={(g) => runAndTrack(C.setGuard(ref, g), ref)} />
        {count > 1 && (
          <div className="gz-row">
            <span className="gz-muted">
              {t('order')} {ref.index + 1}/{count}
            </span>
            <button
              type="button"
              disabled={ref.index === 0}
              onClick={() => runAndTrack(C.reorderTransition(ref, -1), { ...ref, index: ref.index - 1 })}
            >
              {t('moveUp')}
            </button>
            <button
              type="button"
              disabled={ref.index === count - 1}
              onClick={() => runAndTrack(C.reorderTransition(ref, 1), { ...ref, index: ref.index + 1 })}
            >
              {t('moveDown')}
            </button>
          </div>
        )}
      </Section>
      <div className="gz-danger">
        {confirming ? (
          <>
            <button
              type="button"
              className="gz-danger-btn"
              data-testid="transition-delete-confirm"
              onClick={() => {
                if (run(C.deleteTransition(ref))) select({ kind: 'state', id: ref.source! });
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
            className="gz-danger-btn"
            data-testid="transition-delete"
            onClick={() => setConfirming(true)}
          >
            {t('delete')}
          </button>
        )}
      </div>
    </div>
  );
}
