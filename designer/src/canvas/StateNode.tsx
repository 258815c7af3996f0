/** A state on the canvas: title, roles, stay-in-state events, deadlines with their length; finals drawn double-bordered. */
import { memo, useEffect, useRef } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { StateFlowNode } from './types';
import { ClockIcon, LoopIcon, WarnIcon } from './icons';

function classes(d: StateFlowNode['data'], selected: boolean | undefined): string {
  return [
    'gz-state',
    `gz-kind-${d.kind}`,
    selected ? 'is-selected' : '',
    d.active ? 'is-active' : '',
    d.visited ? 'is-visited' : '',
    d.found ? 'is-found' : '',
    d.mark ? `is-${d.mark}` : '',
    d.problems ? 'has-problems' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** The title, or an input while it is renamed in place (Enter keeps, Esc cancels). */
function Title({ data }: { data: StateFlowNode['data'] }) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (data.editing) input.current?.select();
  }, [data.editing]);
  if (!data.editing)
    return (
      <span className="gz-title" data-testid="state-title">
        {data.title}
      </span>
    );
  let done = false;
  const finish = (v: string | null) => {
    if (done) return;
    done = true;
    data.onRenamed?.(data.path, v);
  };
  return (
    <input
      ref={input}
      className="gz-rename nodrag"
      defaultValue={data.title}
      data-testid="state-rename"
      autoFocus
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') finish((e.target as HTMLInputElement).value);
        if (e.key === 'Escape') finish(null);
      }}
      onBlur={(e) => finish(e.target.value)}
    />
  );
}

/**
 * Where transitions end: beside the state's box (children of React Flow's node, not of the bordered box), so their
 * places do not depend on the border's drawn width and are exactly those the chart gives React Flow up front;
 * measuring the drawn nodes then moves no transition's end, and no transition is drawn a second time.
 */
function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Top} />
      <Handle type="source" position={Position.Bottom} />
    </>
  );
}

function Sub({ data }: { data: StateFlowNode['data'] }) {
  const parts = [data.stateKey, data.roles].filter(Boolean);
  return parts.length ? <span className="gz-sub">{parts.join(' · ')}</span> : null;
}

export const StateNode = memo(function StateNode({ data, selected }: NodeProps<StateFlowNode>) {
  return (
    <>
      <div
        className={classes(data, selected)}
        data-testid="state-node"
        data-state={data.path}
        data-kind={data.kind}
        data-selected={selected ? 'true' : 'false'}
        data-active={data.active ? 'true' : 'false'}
        data-mark={data.mark ?? ''}
      >
        {data.initial && <span className="gz-initial" aria-hidden />}
        {data.problems > 0 && (
          <span className="gz-badge" data-testid="node-problems">
            {data.problems}
          </span>
        )}
        <div className="gz-title-row">
          <Title data={data} />
        </div>
        <div className="gz-sub-row">
          <Sub data={data} />
        </div>
        {data.internal.map((t) => (
          <div
            key={t.id}
            className={`gz-internal${t.selected ? ' is-selected' : ''}${t.mark ? ` is-${t.mark}` : ''}`}
            data-transition={t.id}
            onClick={(e) => {
              e.stopPropagation();
              data.onSelectInternal?.(t.id);
            }}
          >
            <LoopIcon /> {t.label}
          </div>
        ))}
        {data.broken > 0 && (
          <div className="gz-broken">
            <WarnIcon />
          </div>
        )}
        {data.deadlines && (
          <div className="gz-deadline">
            <ClockIcon /> {data.deadlines}
          </div>
        )}
      </div>
      <Handles />
    </>
  );
});

export const GroupNode = memo(function GroupNode({ data, selected }: NodeProps<StateFlowNode>) {
  return (
    <>
      <div
        className={classes(data, selected)}
        data-testid="state-node"
        data-state={data.path}
        data-kind="compound"
        data-selected={selected ? 'true' : 'false'}
        data-active={data.active ? 'true' : 'false'}
        data-mark={data.mark ?? ''}
      >
        <div className="gz-group-head">
          {data.initial && <span className="gz-initial" aria-hidden />}
          <Title data={data} /> <Sub data={data} />
          {data.deadlines && (
            <span className="gz-deadline">
              {' '}
              <ClockIcon /> {data.deadlines}
            </span>
          )}
          {data.problems > 0 && (
            <span className="gz-badge" data-testid="node-problems">
              {data.problems}
            </span>
          )}
        </div>
        {data.internal.map((t) => (
          <div
            key={t.id}
            className={`gz-internal${t.selected ? ' is-selected' : ''}`}
            data-transition={t.id}
            onClick={(e) => {
              e.stopPropagation();
              data.onSelectInternal?.(t.id);
            }}
          >
            <LoopIcon /> {t.label}
          </div>
        ))}
      </div>
      <Handles />
    </>
  );
});
