/** The properties panel: shows the editor for whatever is selected. */
import { useWorkspace } from '../../workspace/context';
import { StateInspector } from './StateInspector';
import { TransitionInspector } from './TransitionInspector';
import { EventEditor } from './EventEditor';
import { RuleForm } from './RuleForm';
import { DeadlineForm } from './DeadlineForm';
import { ProcedureOverview } from './ProcedureOverview';
import { useI18n } from '../../i18n';

export function Inspector() {
  const { selection, select } = useWorkspace();
  const { t } = useI18n();
  const back = selection ? (
    <button type="button" className="gz-link gz-back" data-testid="inspector-back" onClick={() => select(null)}>
      ← {t('back')}
    </button>
  ) : null;
  let body;
  switch (selection?.kind) {
    case 'state':
      body = <StateInspector key={selection.id} path={selection.id} />;
      break;
    case 'edge':
    case 'internal':
      body = <TransitionInspector key={selection.id} id={selection.id} />;
      break;
    case 'event':
      body = <EventEditor key={selection.name} name={selection.name} />;
      break;
    case 'rule':
      body = (
        <RuleForm
          key={selection.name ?? `(new)${selection.forGuard ?? ''}`}
          name={selection.name}
          forGuard={selection.forGuard}
        />
      );
      break;
    case 'deadline':
      body = (
        <DeadlineForm
          key={selection.name ?? `(new)${selection.state ?? ''}`}
          name={selection.name}
          state={selection.state}
        />
      );
      break;
    default:
      body = <ProcedureOverview />;
  }
  return (
    <div className="gz-inspector-wrap">
      {back}
      {body}
    </div>
  );
}
