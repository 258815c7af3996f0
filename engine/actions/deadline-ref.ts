/** The check shared by the actions that name a deadline of the document. */
import type { ActionParams, ParamsProblem } from './action';
import type { ProcedureDoc } from '../types';

export function deadlineExists(params: ActionParams, doc: ProcedureDoc): ParamsProblem[] {
  const name = params.deadline;
  if (typeof name === 'string' && doc.deadlines && Object.prototype.hasOwnProperty.call(doc.deadlines, name)) return [];
  return [
    {
      path: '/deadline',
      code: 'UNKNOWN_DEADLINE',
      message: { 'zh-CN': `期限「${String(name)}」不存在`, en: `deadline '${String(name)}' does not exist` },
    },
  ];
}
