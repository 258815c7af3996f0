/** A state on the canvas: title, key, roles, stay-in-state events, deadlines; finals drawn double-bordered. */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { StateFlowNode } from './types';

function classes(d: StateFlowNode['data'], selected: boolean | undefined): string {
  return [
    'gz-state', `gz-kind-${d.kind}`,
    selected ? 'is-selected' : '', d.active ? 'is-active' : '', d.visited ? 'is-visited' : '',
    d.mark ? `is-${d.mark}` : '', d.problems ? 'has-problems' : '',
  ].filter(Boolean).join(' ');
}

export const StateNode = memo(function StateNode({ data, selected }: NodeProps<StateFlowNode>) {
  return (
    <div className={classes(data, selected)} data-testid="state-node" data-state={data.path} data-kind={data.kind}
      data-selected={selected ? 'true' : 'false'} data-active={data.active ? 'true' : 'false'} data-mark={data.mark ?? ''}>
      <Handle type="target" position={Position.Top} />
      {data.initial && <span className="gz-initial" aria-hidden>●</span>}
      {data.problems > 0 && <span className="gz-badge" data-testid="node-problems">{data.problems}</span>}
      <div className="gz-title" data-testid="state-title">{data.title}</div>
      <div className="gz-sub">{data.stateKey}{data.roles ? ` · ${data.roles}` : ''}</div>
      {data.internal.map((t) => (
        <div key={t.id} className={`gz-internal${t.selected ? ' is-selected' : ''}${t.mark ? ` is-${t.mark}` : ''}`} data-transition={t.id}
          onClick={(e) => { e.stopPropagation(); data.onSelectInternal?.(t.id); }}>↻ {t.label}</div>
      ))}
      {data.deadlines && <div className="gz-deadline">⏱ {data.deadlines}</div>}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
});

export const GroupNode = memo(function GroupNode({ data, selected }: NodeProps<StateFlowNode>) {
  return (
    <div className={classes(data, selected)} data-testid="state-node" data-state={data.path} data-kind="compound"
      data-selected={selected ? 'true' : 'false'} data-active={data.active ? 'true' : 'false'} data-mark={data.mark ?? ''}>
      <Handle type="target" position={Position.Top} />
      <div className="gz-group-head">
        {data.initial && <span className="gz-initial" aria-hidden>●</span>}
        <span className="gz-title" data-testid="state-title">{data.title}</span>
        <span className="gz-sub"> {data.stateKey}{data.roles ? ` · ${data.roles}` : ''}</span>
        {data.deadlines && <span className="gz-deadline"> ⏱ {data.deadlines}</span>}
        {data.problems > 0 && <span className="gz-badge" data-testid="node-problems">{data.problems}</span>}
      </div>
      {data.internal.map((t) => (
        <div key={t.id} className={`gz-internal${t.selected ? ' is-selected' : ''}`} data-transition={t.id}
          onClick={(e) => { e.stopPropagation(); data.onSelectInternal?.(t.id); }}>↻ {t.label}</div>
      ))}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
});
