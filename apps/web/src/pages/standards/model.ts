import type { EditionView, StandardNodeData, StandardNodeInput, StandardNodeKind } from '@cc/domain';

/**
 * The editor's working copy of an edition: a flat list of nodes in display order (a parent before
 * its subtree), keyed by the server's ids as text or by `n<counter>` for new ones. Pure functions,
 * so the tree operations are easy to reason about.
 */
export type Node = StandardNodeData;

export function fromEdition(e: EditionView): Node[] {
  return e.nodes.map((n) => ({
    key: String(n.id), parentKey: n.parentId === null ? null : String(n.parentId), kind: n.kind, code: n.code, title: n.title, description: n.description,
    points: n.points, method: n.method, floor: n.floor, naAllowed: n.naAllowed, appliesTo: n.appliesTo, veto: n.veto, evidenceRequired: n.evidenceRequired,
    categoryCode: n.categoryCode, unverified: n.unverified,
  }));
}

/** The PUT body's nodes: only what the item kind uses (a section has no method). */
export function toInput(nodes: readonly Node[]): StandardNodeInput[] {
  return nodes.map((n) => ({
    key: n.key, parentKey: n.parentKey, kind: n.kind, code: n.code.trim(), title: n.title.trim() || n.code, description: n.description?.trim() || null,
    points: n.points ?? null, method: n.kind === 'item' ? n.method ?? null : null, floor: n.kind === 'item' ? n.floor ?? null : null,
    naAllowed: !!n.naAllowed, appliesTo: n.kind === 'criterion' ? [] : n.appliesTo ?? [], veto: !!n.veto, evidenceRequired: !!n.evidenceRequired,
    categoryCode: n.categoryCode || null, unverified: !!n.unverified,
  }));
}

/** The index just past a node's subtree. */
export function subtreeEnd(nodes: readonly Node[], index: number): number {
  const inside = new Set([nodes[index]!.key]);
  let i = index + 1;
  while (i < nodes.length && nodes[i]!.parentKey !== null && inside.has(nodes[i]!.parentKey!)) {
    inside.add(nodes[i]!.key);
    i++;
  }
  return i;
}

export const descendantCount = (nodes: readonly Node[], key: string): number => {
  const i = nodes.findIndex((n) => n.key === key);
  return i < 0 ? 0 : subtreeEnd(nodes, i) - i - 1;
};

/** Which parents a kind of node may have (null = the top level). */
export function parentAllowed(kind: StandardNodeKind, parentKind: StandardNodeKind | null): boolean {
  if (kind === 'criterion') return parentKind === 'item';
  return parentKind === null || parentKind === 'section';
}

/**
 * Move a node with its subtree: `inside` makes it the first child of `target`; `before`/`after`
 * put it next to `target` under the same parent. Returns null when the rules forbid it.
 */
export function move(nodes: readonly Node[], key: string, target: string, where: 'inside' | 'before' | 'after'): Node[] | null {
  const from = nodes.findIndex((n) => n.key === key);
  const t = nodes.find((n) => n.key === target);
  if (from < 0 || !t || key === target) return null;
  const end = subtreeEnd(nodes, from);
  const block = nodes.slice(from, end);
  if (block.some((n) => n.key === target)) return null;
  const parentKey = where === 'inside' ? t.key : t.parentKey;
  const parentKind = parentKey === null ? null : nodes.find((n) => n.key === parentKey)!.kind;
  if (!parentAllowed(block[0]!.kind, parentKind)) return null;
  const rest = [...nodes.slice(0, from), ...nodes.slice(end)];
  const ti = rest.findIndex((n) => n.key === target);
  const at = where === 'before' ? ti : where === 'inside' ? ti + 1 : subtreeEnd(rest, ti);
  return [...rest.slice(0, at), { ...block[0]!, parentKey }, ...block.slice(1), ...rest.slice(at)];
}

export function remove(nodes: readonly Node[], key: string): Node[] {
  const i = nodes.findIndex((n) => n.key === key);
  if (i < 0) return [...nodes];
  return [...nodes.slice(0, i), ...nodes.slice(subtreeEnd(nodes, i))];
}

/** A free code under a parent: parent code + '.' + the next number (1, 2, … at the top). */
export function nextCode(nodes: readonly Node[], parent: Node | null): string {
  const taken = new Set(nodes.map((n) => n.code));
  const siblings = nodes.filter((n) => n.parentKey === (parent?.key ?? null)).length;
  for (let i = siblings + 1; ; i++) {
    const code = parent ? `${parent.code}.${i}` : String(i);
    if (!taken.has(code) && code.length <= 32) return code;
    if (i > siblings + 5000) return `N${Date.now() % 1_000_000}`;
  }
}

/** Insert a node as the last child of `parent` (or at the end); returns the new list. */
export function append(nodes: readonly Node[], node: Node): Node[] {
  if (node.parentKey === null) return [...nodes, node];
  const pi = nodes.findIndex((n) => n.key === node.parentKey);
  const end = subtreeEnd(nodes, pi);
  return [...nodes.slice(0, end), node, ...nodes.slice(end)];
}

/** Sum of a section's non-criterion children's points (what validateEdition compares). */
export function childSum(nodes: readonly Node[], key: string): number | null {
  const children = nodes.filter((c) => c.parentKey === key && c.kind !== 'criterion');
  if (!children.length) return null;
  return Math.round(children.reduce((s, c) => s + (c.points ?? 0), 0) * 100) / 100;
}

/** The nearest ancestor's 适用对象, for an item that has none of its own. */
export function inheritedAppliesTo(nodes: readonly Node[], node: Node): string[] {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  let cur = node.parentKey === null ? undefined : byKey.get(node.parentKey);
  while (cur) {
    if (cur.appliesTo && cur.appliesTo.length) return cur.appliesTo;
    cur = cur.parentKey === null ? undefined : byKey.get(cur.parentKey);
  }
  return [];
}
