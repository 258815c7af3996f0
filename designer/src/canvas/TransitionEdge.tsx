/** A transition: the same curve as the SVG export, labelled with the event title and its guard. */
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, type EdgeProps } from '@xyflow/react';
import { routePath, selfLoop, stepPath } from '../model';
import type { TransitionFlowEdge } from './types';

export const TransitionEdge = memo(function TransitionEdge(props: EdgeProps<TransitionFlowEdge>) {
  const { id, source, target, sourceX, sourceY, targetX, targetY, data, selected, markerEnd } = props;
  const d = data!;
  const p = d.route
    ? routePath(d.route)
    : source === target
      ? selfLoop(sourceX, sourceY, targetX, targetY)
      : stepPath(sourceX, sourceY, targetX, targetY, d.sibling);
  const cls = [
    'gz-edge',
    selected ? 'is-selected' : '',
    d.visited ? 'is-visited' : '',
    d.refused ? 'is-refused' : '',
    d.mark ? `is-${d.mark}` : '',
    d.problem ? 'has-problems' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <>
      <BaseEdge id={id} path={p.d} markerEnd={markerEnd} className={cls} interactionWidth={18} />
      <EdgeLabelRenderer>
        <div
          className={`gz-edge-label ${cls}`}
          data-testid="edge-label"
          data-edge={id}
          data-mark={d.mark ?? ''}
          data-visited={d.visited ? 'true' : 'false'}
          data-refused={d.refused ? 'true' : 'false'}
          data-selected={selected ? 'true' : 'false'}
          style={{ transform: `translate(-50%, -50%) translate(${p.labelX}px, ${p.labelY}px)` }}
          onClick={(e) => {
            e.stopPropagation();
            d.onSelect?.(id);
          }}
        >
          <div className="gz-edge-event">{d.event}</div>
          {d.guard && <div className="gz-edge-guard">{d.guard}</div>}
        </div>
      </EdgeLabelRenderer>
    </>
  );
});
