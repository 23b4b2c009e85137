/**
 * The load-order rule (DEVELOPERS.md): no module of core may use another module's exports while
 * it is itself loading, unless that module has finished loading first. Two proofs:
 *
 * - statically, over the value imports of packages/core/src: the only cycle allowed is the one
 *   between the Tensor class and the op files (each Tensor method calls its op, each op makes
 *   Tensors), and inside a cycle no top-level code (what runs while the module loads) may touch
 *   a binding imported from the cycle — only function bodies, which run after loading, may;
 * - dynamically: every module is imported on its own, first, in a fresh module registry, so that
 *   every order of loading the cycle is tried.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const FILES = sources(SRC).sort();
const rel = (f: string) => relative(SRC, f).replaceAll('\\', '/');

interface Module {
  file: string;
  ast: ts.SourceFile;
  /** Relative value imports (type-only ones are erased by the compiler and do not load anything). */
  imports: { target: string; locals: string[] }[];
}

function parse(file: string): Module {
  const ast = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const imports: Module['imports'] = [];
  for (const s of ast.statements) {
    const spec = (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier !== undefined && ts.isStringLiteral(s.moduleSpecifier)
      ? s.moduleSpecifier.text : null;
    if (spec === null || !spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    if (ts.isImportDeclaration(s)) {
      const clause = s.importClause;
      if (clause?.isTypeOnly) continue;
      const locals: string[] = [];
      if (clause?.name) locals.push(clause.name.text);
      const nb = clause?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) locals.push(nb.name.text);
      if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) if (!el.isTypeOnly) locals.push(el.name.text);
      if (clause !== undefined && locals.length === 0) continue; // only types
      imports.push({ target, locals });
    } else if (ts.isExportDeclaration(s) && !s.isTypeOnly) {
      imports.push({ target, locals: [] }); // a re-export loads its module
    }
  }
  return { file, ast, imports };
}

const modules = new Map(FILES.map((f) => [f, parse(f)]));

/** Strongly connected components of the value-import graph (Tarjan), those with a cycle only. */
function cycles(): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    on.add(v);
    for (const { target: w } of modules.get(v)?.imports ?? []) {
      if (!modules.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      const selfLoop = modules.get(v)!.imports.some((i) => i.target === v);
      if (scc.length > 1 || selfLoop) out.push(scc.map(rel).sort());
    }
  };
  for (const f of FILES) if (!index.has(f)) visit(f);
  return out;
}

/**
 * The identifiers read while the module loads: everything at the top level except function
 * bodies, method and accessor bodies and instance field initialisers (they run when called or
 * constructed). Class `extends`, static fields, computed member names and top-level initialisers
 * do run at load time.
 */
function loadTimeIdentifiers(root: ts.Node, top: boolean): ts.Identifier[] {
  const found: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    // `class A extends B` evaluates B at load time (the compiler files it under type nodes).
    if (ts.isExpressionWithTypeArguments(node) && ts.isHeritageClause(node.parent) && node.parent.token === ts.SyntaxKind.ExtendsKeyword
      && ts.isClassLike(node.parent.parent)) return visit(node.expression);
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isTypeNode(node)) return;
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isConstructorDeclaration(node)) return;
    if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) {
      if (ts.isComputedPropertyName(node.name)) visit(node.name);
      return;
    }
    if (ts.isPropertyDeclaration(node)) {
      if (ts.isComputedPropertyName(node.name)) visit(node.name);
      const isStatic = node.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) ?? false;
      if (isStatic && node.initializer) visit(node.initializer);
      return;
    }
    if (ts.isPropertyAccessExpression(node)) return visit(node.expression); // in `x.Tensor`, Tensor is not a binding
    if (ts.isPropertyAssignment(node) && !ts.isComputedPropertyName(node.name)) return visit(node.initializer);
    if (ts.isIdentifier(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  if (top) for (const s of (root as ts.SourceFile).statements) visit(s);
  else ts.forEachChild(root, visit);
  return found;
}

const program = ts.createProgram(FILES, {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
  noLib: true, types: [], noEmit: true,
});
const checker = program.getTypeChecker();

/** The declaration an identifier stands for, through imports. */
function declarationOf(id: ts.Identifier): ts.Node | undefined {
  let s = checker.getSymbolAtLocation(id);
  if (s === undefined) return undefined;
  if (s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
  return s.valueDeclaration ?? s.declarations?.[0];
}

/** A binding of a module's top level (not a parameter or a local). */
function isModuleLevel(d: ts.Node): boolean {
  if (ts.isSourceFile(d)) return true; // a namespace import
  if (ts.isVariableDeclaration(d)) return ts.isSourceFile(d.parent.parent.parent);
  return ts.isSourceFile(d.parent);
}

/**
 * Whether calling the function declaration `d` while its module may not have run yet is safe:
 * a function declaration is initialised when the module graph is linked, before any module runs,
 * but what its body reads (other than closures it only creates) must be safe too — a `const`,
 * `let` or class of a module in the cycle is not.
 */
function callableEarly(d: ts.Node, scc: ReadonlySet<string>, seen = new Set<ts.Node>()): string | null {
  if (!ts.isFunctionDeclaration(d) || d.body === undefined) return `it is not a function declaration`;
  if (seen.has(d)) return null;
  seen.add(d);
  for (const id of loadTimeIdentifiers(d.body, false)) {
    const dd = declarationOf(id);
    if (dd === undefined || !isModuleLevel(dd) || !scc.has(dd.getSourceFile().fileName)) continue;
    const why = callableEarly(dd, scc, seen);
    if (why !== null) return `it reads ${id.text} (${rel(dd.getSourceFile().fileName)}), and ${why}`;
  }
  return null;
}
describe('load order', () => {
  it('the only import cycle is between tape/tensor.ts and the op files', () => {
    const found = cycles();
    const allowed = (f: string) => f === 'tape/tensor.ts' || f.startsWith('ops/');
    const bad = found.filter((scc) => !scc.every(allowed));
    expect(
      bad.map((scc) => `import cycle through ${scc.join(', ')}: import what you need from a module that does not import you back ` +
        `(shared helpers go into tape/ below tensor.ts; ops may import tape/, never the other way round but for tensor.ts)`),
    ).toEqual([]);
    // The check below is not vacuous: Tensor's methods and the ops do import each other.
    expect(found.some((scc) => scc.includes('tape/tensor.ts') && scc.includes('ops/elementwise.ts'))).toBe(true);
  });

  it('no module of a cycle uses an import from that cycle while it loads', () => {
    const problems: string[] = [];
    for (const scc of cycles()) {
      const members = new Set(scc.map((f) => resolve(SRC, f)));
      for (const f of members) {
        const ast = program.getSourceFile(f)!;
        for (const id of loadTimeIdentifiers(ast, true)) {
          const d = declarationOf(id);
          if (d === undefined || d.getSourceFile().fileName === f || !members.has(d.getSourceFile().fileName)) continue;
          const why = callableEarly(d, members);
          if (why === null) continue;
          const { line } = ast.getLineAndCharacterOfPosition(id.getStart());
          problems.push(`${rel(f)}:${line + 1} uses ${id.text} of ${rel(d.getSourceFile().fileName)} while loading, but that module ` +
            `imports ${rel(f)} back and may not have run yet (${why}): use it inside a function, or move it out of the cycle`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the static check sees what runs at load time', () => {
    const ast = ts.createSourceFile('probe.ts', "import { Tensor } from './t.js';\nexport class T2 extends Tensor { m() { return Tensor; } }\nconst a = () => Tensor;\nconst b = Tensor._of;\n", ts.ScriptTarget.ES2022, true);
    const uses = loadTimeIdentifiers(ast, true).filter((id) => id.text === 'Tensor');
    expect(uses.map((id) => ast.getLineAndCharacterOfPosition(id.getStart()).line + 1)).toEqual([2, 4]);
  });

  it.each(FILES.map(rel))('%s loads first, on its own', async (file) => {
    vi.resetModules();
    const exports = await import(/* @vite-ignore */ join(SRC, file));
    expect(typeof exports).toBe('object');
  });
});
