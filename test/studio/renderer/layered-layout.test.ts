import { describe, expect, it } from 'vitest';
import { layeredLayout } from '../../../studio/src/renderer/lib/layered-layout.js';

const box = { nodeWidth: 100, nodeHeight: 40, gapX: 50, gapY: 10 };

describe('layeredLayout', () => {
  it('places each task after the tasks it depends on, left to right', () => {
    const layout = layeredLayout({
      ...box,
      nodes: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'a', to: 'c' },
        { from: 'b', to: 'd' },
        { from: 'c', to: 'd' },
      ],
    });
    const at = Object.fromEntries(layout.nodes.map((n) => [n.id, n]));
    expect([at.a!.layer, at.b!.layer, at.c!.layer, at.d!.layer]).toEqual([0, 1, 1, 2]);
    expect(at.b!.x).toBe(150);
    expect(at.b!.y).not.toBe(at.c!.y);
    expect(layout.width).toBe(3 * 100 + 2 * 50);
    expect(layout.edges.every((e) => !e.back)).toBe(true);
  });

  it('never overlaps two nodes', () => {
    const nodes = Array.from({ length: 9 }, (_, i) => ({ id: `n${i}` }));
    const edges = nodes.slice(1).map((n, i) => ({ from: `n${i % 3}`, to: n.id }));
    const layout = layeredLayout({ ...box, nodes, edges });
    for (const a of layout.nodes)
      for (const b of layout.nodes)
        if (a !== b && a.x === b.x) expect(Math.abs(a.y - b.y)).toBeGreaterThanOrEqual(box.nodeHeight + box.gapY);
  });

  it('routes an edge that skips a column around the nodes in it', () => {
    const layout = layeredLayout({
      ...box,
      nodes: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'a', to: 'c' },
      ],
    });
    const long = layout.edges.find((e) => e.from === 'a' && e.to === 'c')!;
    const b = layout.nodes.find((n) => n.id === 'b')!;
    // The long edge runs straight across b's column at a height outside b's box.
    const straight = /L (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)/.exec(long.path);
    expect(straight).not.toBeNull();
    const y = Number(straight![2]);
    expect(y < b.y || y > b.y + box.nodeHeight).toBe(true);
  });

  it('lays out cycles (hand-offs both ways) and marks the closing edge as a back edge', () => {
    const layout = layeredLayout({
      ...box,
      nodes: [{ id: 'a' }, { id: 'b' }],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a' },
      ],
    });
    expect(layout.edges.filter((e) => e.back)).toEqual([expect.objectContaining({ from: 'b', to: 'a' })]);
    expect(layout.height).toBeGreaterThan(box.nodeHeight);
  });

  it('ignores edges to unknown nodes and self-loops', () => {
    const layout = layeredLayout({
      ...box,
      nodes: [{ id: 'a' }],
      edges: [
        { from: 'a', to: 'ghost' },
        { from: 'a', to: 'a' },
      ],
    });
    expect(layout.edges).toEqual([]);
    expect(layout.nodes).toEqual([{ id: 'a', x: 0, y: 0, layer: 0 }]);
  });
});
