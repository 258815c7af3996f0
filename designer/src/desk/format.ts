/** How the desk writes its numbers: a rate as a percentage with one decimal, '—' when there is nothing to divide. */
export function formatRate(r: number | null | undefined): string {
  return r === null || r === undefined ? '—' : `${(Math.round(r * 1000) / 10).toFixed(1)}%`;
}
