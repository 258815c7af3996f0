/** Problems found by the engine's validation (the same as the server's), each with the state it concerns. */
import type { ProblemDetail } from '../../../engine/browser';
import { humanizeMessage, problemTarget, ruleShortTitle, text } from '../model';
import { useI18n, type StringKey } from '../i18n';
import { useWorkspace } from '../workspace/context';

export function ProblemsPanel({
  problems,
  onPick,
  open,
  onToggle,
}: {
  problems: ProblemDetail[];
  onPick(p: ProblemDetail): void;
  open: boolean;
  onToggle(): void;
}) {
  const { model, doc } = useWorkspace();
  const { t, pick, lang, ids } = useI18n();
  return (
    <div
      className={`gz-problems${problems.length ? ' has-problems' : ''}`}
      data-testid="problems-panel"
      data-count={problems.length}
    >
      <button type="button" className="gz-problems-head" onClick={onToggle} data-testid="problems-toggle">
        {problems.length ? `${t('problems')} · ${t('problemCount', { n: problems.length })}` : t('noProblems')}
      </button>
      {open && problems.length > 0 && (
        <ul className="gz-problem-list">
          {problems.map((p, i) => {
            const target = problemTarget(p, model, doc);
            const node = target.node ? model.byId.get(target.node) : undefined;
            const item = target.item;
            const itemName = !item
              ? ''
              : item.kind === 'event'
                ? text(doc.events?.[item.name]?.title, lang)
                : item.kind === 'rule'
                  ? ruleShortTitle(doc, item.name, lang)
                  : item.kind === 'deadline'
                    ? text(doc.deadlines?.[item.name]?.title, lang)
                    : item.kind === 'role'
                      ? text(doc.roles?.[item.name]?.title, lang)
                      : '';
            const where = node
              ? text(node.title, lang) || node.key
              : item
                ? `${t(`kindLabel_${item.kind === 'procedure' ? 'procedure' : item.kind === 'role' ? 'role' : item.kind}` as StringKey)}${itemName ? `「${itemName}」` : ''}`
                : '';
            return (
              <li key={`${p.path}|${i}`}>
                <button
                  type="button"
                  className="gz-problem"
                  data-testid="problem"
                  data-path={p.path}
                  data-code={p.code ?? ''}
                  data-node={target.node ?? ''}
                  onClick={() => onPick(p)}
                >
                  <span className="gz-problem-msg">
                    {ids ? pick(p.message) : humanizeMessage(pick(p.message), doc, lang)}
                  </span>
                  {where && <span className="gz-problem-where">{where}</span>}
                  {ids && <span className="gz-problem-path">{p.path}</span>}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
