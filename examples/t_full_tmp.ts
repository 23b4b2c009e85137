import { writeFileSync } from 'node:fs';
const which = process.argv[2]!;
const slips = process.argv[3] === 'slips';
const mod = await import(`./${which}.js`);
const r = await mod.main({ quiet: true, courseSlips: slips, outDir: '/tmp/d2out' });
writeFileSync(`/tmp/d2full/ts_${which}${slips ? '_slips' : ''}.json`, JSON.stringify(r));
console.log(which, slips, r.seconds);
