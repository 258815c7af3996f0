/** The adversarial suite prints its figures (inputs tried, 5xx, hangs, lost events) so they can be quoted. */
export function report(suite: string, figures: Record<string, number | string>): void {
  const line = Object.entries(figures)
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ');
  console.log(`[adversarial] ${suite} — ${line}`);
}
