/**
 * Hover docs: every public member of `Tensor` has a doc comment with an `@example`, and the
 * library's own helpers on it are private or `@internal` (which the build strips from the
 * published .d.ts; the packaging test checks the built file).
 */
import { existsSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const candidates = ['../src/tape/tensor.ts', '../src/tensor.ts'].map((p) => new URL(p, import.meta.url));
const file = candidates.find((u) => existsSync(u))!;
const source = ts.createSourceFile('tensor.ts', readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);

interface Member {
  name: string;
  doc: string;
  hidden: boolean;
}

function members(): Member[] {
  const out: Member[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) && node.name?.text === 'Tensor') {
      for (const m of node.members) {
        if (ts.isConstructorDeclaration(m) || ts.isClassStaticBlockDeclaration(m) || m.name === undefined) continue;
        const name = m.name.getText(source);
        const modifiers = ts.canHaveModifiers(m) ? ts.getModifiers(m) ?? [] : [];
        const isPrivate = modifiers.some((k) => k.kind === ts.SyntaxKind.PrivateKeyword || k.kind === ts.SyntaxKind.ProtectedKeyword) || ts.isPrivateIdentifier(m.name);
        const doc = ts.getJSDocCommentsAndTags(m).map((d) => d.getText(source)).join('\n');
        out.push({ name, doc, hidden: isPrivate || /@internal\b/.test(doc) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe('Tensor hover docs', () => {
  const all = members();

  it('finds the class and its ops', () => {
    expect(all.map((m) => m.name)).toEqual(expect.arrayContaining(['add', 'matmul', 'sum', 'slice', 'reshape', 'toArray', 'T']));
  });

  it('every public member has a doc comment with an @example', () => {
    // A getter and its setter share one doc (on the getter), as the published types do.
    const seen = new Set<string>();
    const undocumented = all.filter((m) => !m.hidden && !(seen.has(m.name) || (seen.add(m.name), false)) && !/@example/.test(m.doc));
    expect(undocumented.map((m) => m.name)).toEqual([]);
  });

  it('the library\'s own helpers (named with _ , or retainsGrad) are private or @internal', () => {
    const exposed = all.filter((m) => (m.name.startsWith('_') || m.name === 'retainsGrad') && !m.hidden);
    expect(exposed.map((m) => m.name)).toEqual([]);
  });
});
