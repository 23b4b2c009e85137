/** Code blocks of the README and what their `console.log` lines say they print. */

export interface Block {
  heading: string;
  code: string;
  /** A ```text block right after the code (at most two lines of prose between): its whole output. */
  output: string | null;
}

function fenced(lines: string[], start: number): [string, number] {
  const body: string[] = [];
  let i = start + 1;
  for (; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!);
  return [body.join('\n'), i];
}

/** Every ```ts block of a markdown file, with the section heading above it and its printed output if shown. */
export function tsBlocks(markdown: string): Block[] {
  const out: Block[] = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#') && !line.startsWith('#####')) heading = line.replace(/^#+\s*/, '');
    if (line.trim() !== '```ts') continue;
    const [code, end] = fenced(lines, i);
    i = end;
    let output: string | null = null;
    for (let j = i + 1; j <= i + 3 && j < lines.length; j++) {
      if (lines[j]!.trim() === '```text') {
        output = fenced(lines, j)[0];
        break;
      }
      if (lines[j]!.startsWith('```') || lines[j]!.startsWith('#')) break;
    }
    out.push({ heading, code, output });
  }
  return out;
}

/** The text after `// ` on each console.log line: what that line must print. */
export function expectedOutput(code: string): string[] {
  return code
    .split('\n')
    .filter((l) => /^\s*console\.log\(.*\);\s*\/\/ /.test(l))
    .map((l) => l.slice(l.indexOf(');') + 2).replace(/^\s*\/\/ /, ''));
}
