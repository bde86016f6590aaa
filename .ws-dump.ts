import { readFileSync } from 'node:fs';
import { DiagnosticBag } from './src/definition/diagnostic.js';
import { loadDocument } from './src/definition/load.js';
const d = new DiagnosticBag();
const objs = loadDocument(readFileSync(process.argv[2]!), 'f', d);
const strip = (k: string, v: unknown) => (k === 'location' ? undefined : k === 'condition' || k === 'expression' || k === 'initial' || k === 'body' || k==='timeoutExpression' || k==='requestExpression' ? `<expr ${(v as {op:string}).op}>` : v);
console.log(JSON.stringify(objs.map((o) => o.object), strip, 1).replace(/\n\s*/g, ' ').replace(/\{ "id"/g, '\n{ "id"'));
