/**
 * Leaving a screen with unsaved work: the screen that has some registers a guard; navigation asks it first. The
 * guard may hold the navigation (it shows its own dialog) and call `proceed` later, or let it go at once.
 */
type Guard = (proceed: () => void) => boolean;

let guard: Guard | null = null;

export function setLeaveGuard(g: Guard | null): void {
  guard = g;
}

/** Runs `proceed` now, or when the guard (if it holds the navigation) lets it. */
export function tryLeave(proceed: () => void): void {
  if (guard?.(proceed)) return;
  proceed();
}
