/**
 * One cold measurement in a fresh process (spawned by bench/packs.ts):
 *   node --import tsx bench/packs-cold.ts gongzhi|json <packs root>
 * Prints JSON: `ms`, the load itself (modules already imported), and `processMs`, from process start to
 * the end of the load (Node start-up, tsx, module imports included).
 */
export {};

const [mode, root] = process.argv.slice(2);
if ((mode !== 'gongzhi' && mode !== 'json') || !root) {
  console.error('usage: node --import tsx bench/packs-cold.ts gongzhi|json <packs root>');
  process.exit(2);
}
const work: () => unknown =
  mode === 'gongzhi'
    ? (
        (m) => () =>
          m.loadAllPacks(root)
      )(await import('./pack-load'))
    : (
        (m) => () =>
          m.parseJsonTree(root)
      )(await import('./json-floor'));
const t0 = performance.now();
work();
const t1 = performance.now();
console.log(JSON.stringify({ mode, ms: t1 - t0, processMs: t1 }));
