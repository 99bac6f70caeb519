import type { RegionView } from '@cc/domain';

export interface RegionNode {
  region: RegionView;
  children: RegionNode[];
}

/** Build the tree from the flat list; orphans (parent outside the caller's scope) become roots. */
export function buildRegionTree(items: readonly RegionView[]): RegionNode[] {
  const nodes = new Map<number, RegionNode>();
  for (const r of items) nodes.set(r.id, { region: r, children: [] });
  const roots: RegionNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.region.parentId !== null ? nodes.get(node.region.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (list: RegionNode[]) => {
    list.sort((a, b) => a.region.code.localeCompare(b.region.code, 'zh-CN', { numeric: true }));
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

/** Ancestors of a region from the root down, the region itself last. */
export function regionPath(items: readonly RegionView[], id: number): RegionView[] {
  const byId = new Map(items.map((r) => [r.id, r]));
  const path: RegionView[] = [];
  let cur = byId.get(id);
  const seen = new Set<number>();
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    path.unshift(cur);
    cur = cur.parentId !== null ? byId.get(cur.parentId) : undefined;
  }
  return path;
}
