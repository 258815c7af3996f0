/** UI-free designer logic: document → chart, layout, commands, problems, change marks, export, simulation helpers. */
export * from './doc';
export * from './graph';
export * from './layout';
export * from './quickLayout';
export * from './geometry';
export * from './labels';
export * from './problems';
export * from './marks';
export * from './export';
export * from './fields';
export * from './simulation';
export * from './rules';
export * as conditions from './conditions';
export * as commands from './commands';
