// Reports the shape of the source: the longest function of each file (lines), and the files over a
// length. `node scripts/code-shape.mjs [--top N] [files…]`. Used for the figures in closing notes and
// docs/architecture.md; the layer and cycle rules are checked by dependency-cruiser (.dependency-cruiser.cjs).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function functions(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name?.getText() ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : '(anonymous)');
      found.push({ name, lines: end - start + 1, line: start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { lines: text.split('\n').length, functions: found };
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 20;
const files = (topAt >= 0 ? args.filter((_, i) => i !== topAt && i !== topAt + 1) : args);
const targets = files.length > 0 ? files : find('src');

const rows = targets.map((file) => {
  const { lines, functions: fns } = functions(file);
  const longest = fns.reduce((a, b) => (b.lines > (a?.lines ?? 0) ? b : a), undefined);
  return { file, lines, longest };
}).sort((a, b) => (b.longest?.lines ?? 0) - (a.longest?.lines ?? 0));

for (const r of rows.slice(0, files.length > 0 ? rows.length : top)) {
  console.log(`${String(r.longest?.lines ?? 0).padStart(4)}  ${r.file}:${r.longest?.line ?? 0} ${r.longest?.name ?? ''}  (file ${r.lines} lines)`);
}
