/**
 * The browser-safe part of the engine the supervision desk reads: the figures' definitions and arithmetic, and the
 * titles of a case's state and deadline. Apart from `browser.ts` so that the designer's open path does not carry
 * them (the desk's screens and the case view load it when opened).
 */
export {
  FIGURES,
  FIGURE,
  WINDOW_DEFINITION,
  rate,
  weekOf,
  weeksBetween,
  type FigureDef,
  type FigureId,
} from './figures';
export { stateTitleOf, leadingDeadline, type DeadlineLike } from './titles';
