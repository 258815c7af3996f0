/**
 * Drives only the Gongzhi side of the engine benchmark for a few seconds, for a CPU profile:
 *   node --cpu-prof --cpu-prof-dir=bench/out --import tsx bench/profile-engine.ts [seconds]
 *   node --import tsx bench/cpuprofile-top.ts bench/out/<file>.cpuprofile
 */
import { gongzhiCase } from './engine';
import { ratePerSecond } from './measure';
import { compiledMediation, confirmationPath } from './mediation-path';

const seconds = Number(process.argv[2] ?? 5);
const once = gongzhiCase(compiledMediation(), confirmationPath());
await ratePerSecond(once, 1000); // warm-up
const rate = await ratePerSecond(once, seconds * 1000);
console.log(`Gongzhi engine.start/step: ${Math.round(rate)} transitions/s over ${seconds} s`);
