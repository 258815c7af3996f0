/** Whole-document commands: node positions (layout), procedure title, and the expert JSON view. */
import { freeze } from 'immer';
import type { I18n, ProcedureDoc } from '../../../../engine/browser';
import { command, type Command } from './stack';

export type NodePositions = Record<string, { x: number; y: number; width?: number; height?: number }>;

export function moveNodes(positions: NodePositions): Command {
  const n = Object.keys(positions).length;
  return command('moveNodes', { 'zh-CN': `移动 ${n} 个状态`, en: `Move ${n} state${n === 1 ? '' : 's'}` }, (doc) => {
    doc.layout = { ...(doc.layout ?? {}), nodes: { ...(doc.layout?.nodes ?? {}) } };
    for (const [k, p] of Object.entries(positions))
      doc.layout.nodes![k] = { ...p, x: Math.round(p.x), y: Math.round(p.y) };
  });
}

/** Forgets stored positions: back to the automatic layout. */
export function resetLayout(): Command {
  return command('resetLayout', { 'zh-CN': '恢复自动布局', en: 'Reset to automatic layout' }, (doc) => {
    delete doc.layout;
  });
}

export function setProcedureTitle(title: I18n): Command {
  return command(
    'setProcedureTitle',
    { 'zh-CN': `修改流程名称「${title['zh-CN']}」`, en: `Retitle procedure '${title.en}'` },
    (doc) => {
      doc.title = title;
    },
  );
}

/** The advanced JSON view: replaces the document with (a frozen copy of) what the expert typed. */
export function replaceDocument(next: ProcedureDoc): Command {
  return {
    name: 'editJson',
    label: { 'zh-CN': '在 JSON 视图中编辑', en: 'Edit in the JSON view' },
    apply: () => freeze(structuredClone(next), true),
  };
}
