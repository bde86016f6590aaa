/**
 * A process model drawn as SVG: elkjs (the Eclipse Layout Kernel's layered algorithm) places the activities and
 * routes the transitions; the console only paints the result. Activities an instance passed through and its current
 * position are highlighted (docs/decisions/console-diagrams.md).
 */
import ElkModule from 'elkjs/lib/elk.bundled.js';
import type { ProcessModel } from '../definition/model/process.js';
import { esc } from './html.js';

export interface Highlight {
  /** Activities the instance is at now. */
  readonly position: ReadonlySet<string>;
  /** Activities it entered before. */
  readonly visited: ReadonlySet<string>;
}

// elkjs is CommonJS: under Node's ESM interop its constructor is the module's `default` property.
type ElkCtor = new () => { layout(graph: unknown): Promise<unknown> };
const ELK = ((ElkModule as unknown as { default?: ElkCtor }).default ?? (ElkModule as unknown as ElkCtor));
const elk = new ELK();
const CHAR = 7.5;
const NODE_H = 40;

interface Laid {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  children?: Laid[];
  edges?: { id: string; sections?: { startPoint: { x: number; y: number }; endPoint: { x: number; y: number }; bendPoints?: { x: number; y: number }[] }[]; labels?: Laid[] & { text?: string }[] }[];
  id?: string;
  labels?: { text?: string; x?: number; y?: number; width?: number; height?: number }[];
}

export async function drawProcess(process: ProcessModel, highlight?: Highlight): Promise<string> {
  const byName = new Map(process.activities.map((a) => [a.name, a]));
  const key = (name: string): string => `n${process.activities.findIndex((a) => a.name === name || a.id === name)}`;
  const children = process.activities.map((a, i) => ({ id: `n${i}`, width: Math.max(90, (a.name.length + 2) * CHAR), height: NODE_H, labels: [{ text: a.name }] }));
  const edges: { id: string; sources: string[]; targets: string[]; labels: { text: string; width: number; height: number }[]; visited: boolean }[] = [];
  process.activities.forEach((a, i) => {
    a.transitions.forEach((t, j) => {
      const target = byName.get(t.to) ?? process.activities.find((b) => b.id === t.to);
      if (!target) return;
      const label = t.decision ?? t.name ?? '';
      edges.push({
        id: `e${i}_${j}`,
        sources: [`n${i}`],
        targets: [key(target.name)],
        labels: label ? [{ text: label, width: label.length * 6.5, height: 14 }] : [],
        visited: Boolean(highlight && (highlight.visited.has(a.name) || highlight.position.has(a.name)) && (highlight.visited.has(target.name) || highlight.position.has(target.name))),
      });
    });
  });
  const laid = (await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': '30',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.edgeLabels.inline': 'false',
    },
    children,
    edges: edges.map(({ id, sources, targets, labels }) => ({ id, sources, targets, labels })),
  })) as unknown as Laid;
  const w = Math.ceil((laid.width ?? 100) + 20);
  const h = Math.ceil((laid.height ?? 100) + 20);
  const parts: string[] = [];
  parts.push(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#4a5360"/></marker>`);
  parts.push(`<marker id="arrow-hot" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#0b5cad"/></marker></defs>`);
  for (const e of laid.edges ?? []) {
    const hot = edges.find((x) => x.id === e.id)?.visited ?? false;
    for (const s of e.sections ?? []) {
      const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => `${(p.x + 10).toFixed(1)},${(p.y + 10).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${pts}" fill="none" stroke="${hot ? '#0b5cad' : '#8994a0'}" stroke-width="${hot ? 3 : 1.5}" marker-end="url(#${hot ? 'arrow-hot' : 'arrow'})"/>`);
    }
    for (const l of e.labels ?? []) {
      if (!l.text) continue;
      parts.push(`<text x="${((l.x ?? 0) + 10).toFixed(1)}" y="${((l.y ?? 0) + 20).toFixed(1)}" font-size="11" fill="#1b1f24">${esc(l.text)}</text>`);
    }
  }
  (laid.children ?? []).forEach((n, i) => {
    const a = process.activities[i]!;
    const now = highlight?.position.has(a.name) ?? false;
    const seen = highlight?.visited.has(a.name) ?? false;
    const start = a.name === process.start || a.id === process.start;
    const fill = now ? '#f0b400' : seen ? '#cfe2f7' : '#ffffff';
    const stroke = now ? '#7a5a00' : seen || start ? '#0b5cad' : '#4a5360';
    const state = now ? 'current position' : seen ? 'passed' : 'not reached';
    parts.push(
      `<g data-activity="${esc(a.name)}" data-state="${state}"><title>${esc(a.name)}${highlight ? ` (${state})` : ''}</title><rect x="${(n.x ?? 0) + 10}" y="${(n.y ?? 0) + 10}" width="${n.width}" height="${n.height}" rx="${start ? 18 : 6}" fill="${fill}" stroke="${stroke}" stroke-width="${now ? 3 : 1.5}"/>` +
        `<text x="${(n.x ?? 0) + 10 + (n.width ?? 0) / 2}" y="${(n.y ?? 0) + 10 + (n.height ?? 0) / 2 + 5}" text-anchor="middle" font-size="13" fill="#1b1f24">${esc(a.name)}</text></g>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Diagram of ${esc(process.name)}: ${process.activities.length} activities" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${parts.join('')}</svg>`;
}
