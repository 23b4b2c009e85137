/**
 * Test helper (core's node.test.ts and optim's resume.test.ts): runs a TypeScript script as a child
 * process and SIGKILLs it at a chosen moment — once it has printed "saved" `kill.saves` times, plus
 * `kill.ms` milliseconds (mid-step, mid-write, anywhere).
 */
import { spawn } from 'node:child_process';

export interface Kill {
  saves: number;
  ms: number;
}

/** Resolves with 'killed' (by our SIGKILL) or 'finished' (exit code 0); anything else rejects. */
export function runKillable(script: string, args: readonly string[], cwd: string, kill: Kill | null): Promise<'killed' | 'finished'> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tapegrad/source', script, ...args], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  let saves = 0;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      saves += chunk.toString().split('saved').length - 1;
      if (kill !== null && saves >= kill.saves) {
        setTimeout(() => child.kill('SIGKILL'), kill.ms);
        kill = null;
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`${script} exited with ${code ?? signal}`));
    });
  });
}
