/**
 * Actions the engine adds to every compiled machine (never written in a document): `gz.enter`/`gz.exit` on a state
 * that has deadlines (arm / drop them), `gz.took` on every transition (its JSON pointer, so a step knows which fired).
 */
export const MARKERS = ['gz.enter', 'gz.exit', 'gz.took'] as const;
