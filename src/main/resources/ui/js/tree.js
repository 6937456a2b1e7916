// The replication tree of one cluster and its layout: roots (masters) on the left, each
// replica one column to the right of its master, leaves one row each, a master centred on its
// replicas. Co-masters (two servers replicating from each other) are one root and its child,
// the pair marked; any other loop is broken at its smallest key so that every server shows.

import { keyOf } from './api.js';

export const BOX = { width: 260, height: 96, hgap: 56, vgap: 14, pad: 12 };

function compareKeys(a, b) {
  const [ha, pa] = splitKey(a);
  const [hb, pb] = splitKey(b);
  return ha === hb ? pa - pb : (ha < hb ? -1 : 1);
}

function splitKey(k) {
  const at = k.lastIndexOf(':');
  return [k.slice(0, at), Number(k.slice(at + 1))];
}

/**
 * Lays out the cluster's instances (orchestrator Instance JSON). Returns {nodes, edges, width,
 * height}: nodes {key, instance, master (key or ''), depth, x, y, coMaster}, edges {from, to,
 * coMaster}.
 */
export function layout(instances) {
  const byKey = new Map(instances.map(i => [keyOf(i.Key), i]));
  const parent = new Map();
  for (const [k, i] of byKey) {
    const m = keyOf(i.MasterKey);
    if (m && m !== k && byKey.has(m)) {
      parent.set(k, m);
    }
  }
  const coMasters = new Set();
  for (const [k, m] of [...parent]) {
    if (parent.get(m) === k && parent.get(k) === m) {
      const a = byKey.get(k);
      const b = byKey.get(m);
      const da = a.ReplicationDepth ?? 0;
      const db = b.ReplicationDepth ?? 0;
      const root = da < db || (da === db && compareKeys(k, m) < 0) ? k : m;
      parent.delete(root);
      coMasters.add(k);
      coMasters.add(m);
    }
  }
  const keys = [...byKey.keys()].sort(compareKeys);
  const children = new Map(keys.map(k => [k, []]));
  for (const k of keys) {
    if (parent.has(k)) {
      children.get(parent.get(k)).push(k);
    }
  }

  const placed = new Map();
  let rows = 0;
  let maxDepth = 0;
  const place = (k, depth, seen) => {
    seen.add(k);
    maxDepth = Math.max(maxDepth, depth);
    const kids = children.get(k).filter(c => !seen.has(c));
    let row;
    if (kids.length === 0) {
      row = rows++;
    } else {
      const kidRows = kids.map(c => place(c, depth + 1, seen));
      row = (kidRows[0] + kidRows[kidRows.length - 1]) / 2;
    }
    placed.set(k, { depth, row });
    return row;
  };
  const seen = new Set();
  for (const k of keys) {
    if (!parent.has(k)) {
      place(k, 0, seen);
    }
  }
  // a loop without a root: break it at its smallest key
  for (const k of keys) {
    if (!seen.has(k)) {
      parent.delete(k);
      place(k, 0, seen);
    }
  }

  const nodes = keys.map(k => {
    const p = placed.get(k);
    return {
      key: k,
      instance: byKey.get(k),
      master: parent.get(k) || '',
      depth: p.depth,
      x: BOX.pad + p.depth * (BOX.width + BOX.hgap),
      y: BOX.pad + p.row * (BOX.height + BOX.vgap),
      coMaster: coMasters.has(k),
    };
  });
  const edges = nodes.filter(n => n.master).map(n => ({
    from: n.master, to: n.key, coMaster: n.coMaster && coMasters.has(n.master),
  }));
  return {
    nodes,
    edges,
    width: BOX.pad * 2 + (maxDepth + 1) * BOX.width + maxDepth * BOX.hgap,
    height: BOX.pad * 2 + Math.max(rows, 1) * BOX.height + Math.max(rows - 1, 0) * BOX.vgap,
  };
}
