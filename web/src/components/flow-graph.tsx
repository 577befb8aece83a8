// A flow as a simple graph: actions in columns by their distance from the start action, an arrow
// for every transition (next, error, condition). Enough to see the shape and the dead ends.
import { useT } from '../i18n.ts';

interface RawAction {
  Identifier?: string;
  Type?: string;
  Transitions?: { NextAction?: string; Errors?: { NextAction?: string; ErrorType?: string }[]; Conditions?: { NextAction?: string }[] };
}

export interface FlowDoc {
  StartAction?: string;
  Actions?: RawAction[];
}

const W = 190;
const H = 46;
const GX = 60;
const GY = 18;

export function FlowGraph({ doc, problems }: { doc: FlowDoc; problems?: Set<string> }) {
  const { t } = useT();
  const actions = (doc.Actions ?? []).filter((a) => typeof a.Identifier === 'string');
  const byId = new Map(actions.map((a) => [a.Identifier as string, a]));
  const edges: { from: string; to: string; kind: 'next' | 'error' | 'condition' }[] = [];
  for (const a of actions) {
    const tr = a.Transitions ?? {};
    if (tr.NextAction) edges.push({ from: a.Identifier as string, to: tr.NextAction, kind: 'next' });
    for (const c of tr.Conditions ?? []) if (c.NextAction) edges.push({ from: a.Identifier as string, to: c.NextAction, kind: 'condition' });
    for (const e of tr.Errors ?? []) if (e.NextAction) edges.push({ from: a.Identifier as string, to: e.NextAction, kind: 'error' });
  }
  // Columns by breadth-first distance from the start; unreachable actions in a last column.
  const layer = new Map<string, number>();
  const queue = doc.StartAction && byId.has(doc.StartAction) ? [doc.StartAction] : [];
  if (queue[0]) layer.set(queue[0], 0);
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const e of edges) if (e.from === id && byId.has(e.to) && !layer.has(e.to)) {
      layer.set(e.to, (layer.get(id) ?? 0) + 1);
      queue.push(e.to);
    }
  }
  const maxLayer = Math.max(0, ...layer.values());
  for (const a of actions) if (!layer.has(a.Identifier as string)) layer.set(a.Identifier as string, maxLayer + 1);
  const rows = new Map<number, number>();
  const pos = new Map<string, { x: number; y: number }>();
  for (const a of actions) {
    const l = layer.get(a.Identifier as string) ?? 0;
    const r = rows.get(l) ?? 0;
    rows.set(l, r + 1);
    pos.set(a.Identifier as string, { x: 10 + l * (W + GX), y: 10 + r * (H + GY) });
  }
  const width = 20 + (Math.max(0, ...layer.values()) + 1) * (W + GX);
  const height = 20 + Math.max(1, ...rows.values()) * (H + GY);
  return (
    <div class="flow-graph">
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={t('navFlows')}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#667" /></marker>
        </defs>
        {edges.map((e, i) => {
          const a = pos.get(e.from);
          const b = pos.get(e.to);
          if (!a || !b) return null;
          return <line key={i} class={`edge edge-${e.kind}`} x1={a.x + W} y1={a.y + H / 2} x2={b.x} y2={b.y + H / 2} marker-end="url(#arrow)" />;
        })}
        {actions.map((a) => {
          const p = pos.get(a.Identifier as string);
          if (!p) return null;
          const id = a.Identifier as string;
          return (
            <g key={id} class={`node ${problems?.has(id) ? 'has-problem' : ''} ${id === doc.StartAction ? 'start' : ''}`} transform={`translate(${p.x},${p.y})`}>
              <rect width={W} height={H} rx="6" />
              <text x="8" y="18" class="node-type">{a.Type ?? '?'}</text>
              <text x="8" y="36" class="node-id">{id.length > 26 ? `${id.slice(0, 25)}…` : id}</text>
              <title>{`${a.Type ?? ''} ${id}`}</title>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
