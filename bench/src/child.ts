/**
 * One child process: one JavaScript contender, one round of every workload. Started by
 * bench/run.ts with a ChildConfig as JSON in argv[2]; prints a ChildReport as JSON on stdout.
 */
import type { ChildConfig, ChildReport } from './protocol.js';
import { runSuite, type JsContender } from './suite.js';

async function contender(config: ChildConfig): Promise<JsContender> {
  switch (config.contender) {
    case 'tapegrad-float64':
    case 'tapegrad-float32': {
      const { tapegradContender } = await import('./contenders/tapegrad.js');
      return tapegradContender(config.contender === 'tapegrad-float64' ? 'float64' : 'float32');
    }
    case 'tfjs-cpu':
    case 'tfjs-wasm': {
      const { selectBackend, tfjsContender } = await import('./contenders/tfjs.js');
      const backend = config.contender === 'tfjs-cpu' ? 'cpu' : 'wasm';
      await selectBackend(backend);
      return tfjsContender(backend);
    }
    default:
      throw new Error(`child: ${config.contender} is not a JavaScript contender`);
  }
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const c = await contender(config);
const report: ChildReport = { contender: config.contender, measurements: runSuite(c, config), info: c.info() };
process.stdout.write(`${JSON.stringify(report)}\n`);
// tfjs-wasm keeps handles open; the report is written, so leave now.
process.exit(0);
