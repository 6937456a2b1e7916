// One cluster: its replication tree drawn as SVG (one box per server: host:port, version,
// read-only, lag, data center and region, errors, downtime, problems), its problems (the
// replication analysis) and its recent recoveries with their steps. A user who may write gets
// the actions: graceful takeover, acknowledge a recovery, and relocate a replica by dragging
// its box onto the box of its new master (pointer events, so that it works with a mouse, a
// pen, a finger and a WebDriver alike).

import { details, keyOf, listing, seg } from '../api.js';
import { clip, el, facts, put, svg } from '../dom.js';
import { BOX, layout } from '../tree.js';
import { refreshHistory } from './history.js';

const LINE_CHARS = 36;
const DRAG_THRESHOLD_PX = 5;

function server(i) {
  const isReplica = !!keyOf(i.MasterKey);
  const lag = i.ReplicationLagSeconds && i.ReplicationLagSeconds.Valid
    ? `${i.ReplicationLagSeconds.Int64}s` : 'null';
  const errors = [i.LastIOError ? `IO error: ${i.LastIOError}` : '',
    i.LastSQLError ? `SQL error: ${i.LastSQLError}` : ''].filter(e => e);
  const replicating = !isReplica
    || (i.ReplicationSQLThreadState === 1 && i.ReplicationIOThreadState === 1);
  const valid = !!i.IsLastCheckValid;
  const problems = (i.Problems || []).slice();
  let status = 'ok';
  if (!valid) {
    status = 'unreachable';
  } else if (errors.length) {
    status = errors[0];
  } else if (!replicating) {
    status = 'not replicating';
  }
  const level = !valid || errors.length || !replicating ? 'problem' : (problems.length ? 'warning' : 'ok');
  const where = [i.DataCenter, i.Region].filter(x => x).join(' / ');
  return {
    key: keyOf(i.Key),
    alias: i.InstanceAlias || '',
    version: [i.FlavorName && i.FlavorName !== 'unknown' ? i.FlavorName : '',
      (i.Version || '').split(/[-+]/)[0]].filter(x => x).join(' '),
    readOnly: !!i.ReadOnly,
    isReplica,
    lag: isReplica ? lag : '',
    where,
    status,
    errors,
    level,
    problems,
    downtimed: !!i.IsDowntimed,
    downtimeReason: i.DowntimeReason || '',
    downtimeOwner: i.DowntimeOwner || '',
    coMaster: !!i.IsCoMaster,
  };
}

function lines(s) {
  return [
    s.key + (s.alias ? ` (${s.alias})` : ''),
    `${s.version || 'version unknown'} \u00b7 ${s.readOnly ? 'read-only' : 'writable'}`,
    [s.coMaster ? 'co-master' : '', s.isReplica ? `lag ${s.lag}` : 'master', s.where]
      .filter(x => x).join(' \u00b7 '),
    s.status,
    s.downtimed ? `downtimed: ${s.downtimeReason}`
      : (s.problems.length ? `problems: ${s.problems.join(', ')}` : ''),
  ];
}

export function clusterView(ctx, hint) {
  const heading = el('h1', {}, hint);
  const sub = el('p', { class: 'sub' });
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const toolbar = el('div', { class: 'toolbar', id: 'cluster-actions' });
  const canvas = el('div', { class: 'topology', id: 'topology' });
  const problems = el('div', { id: 'problems' });
  const recoveries = el('div', { id: 'recoveries' });
  const history = el('section', { class: 'panel history-panel', id: 'history', hidden: true });
  const root = el('section', { class: 'view cluster-view' },
    heading, sub, error, toolbar,
    el('section', { class: 'panel' }, el('h2', {}, 'Topology'), canvas,
      ctx.canWrite ? el('p', { class: 'hint' },
        'Drag a replica onto another server to make it replicate from there. Click a server for its details.')
        : el('p', { class: 'hint' }, 'Click a server for its details.')),
    el('section', { class: 'panel' }, el('h2', {}, 'Problems'), problems),
    el('section', { class: 'panel' }, el('h2', {}, 'Recent recoveries'), recoveries),
    history);

  const seen = { header: '', tree: '', problems: '', recoveries: '' };
  const open = new Set();
  let newest = '';
  let current = { nodes: [], name: '', alias: hint };
  let drag = null;

  // -- header and actions ----------------------------------------------------------------

  function renderHeader(info, nodes) {
    heading.textContent = info.ClusterAlias || info.ClusterName;
    put(sub,
      el('span', { class: 'mono' }, info.ClusterName),
      info.ClusterDomain ? ` \u00b7 ${info.ClusterDomain}` : '',
      ` \u00b7 ${nodes.length} server${nodes.length === 1 ? '' : 's'}`,
      ` \u00b7 automated recovery: ${[info.HasAutomatedMasterRecovery ? 'master' : null,
        info.HasAutomatedIntermediateMasterRecovery ? 'intermediate master' : null]
        .filter(x => x).join(', ') || 'none'}`);
    put(toolbar);
    if (!ctx.canWrite) {
      return;
    }
    const masters = nodes.filter(n => n.depth === 0);
    const master = masters.find(n => !n.instance.ReadOnly) || masters[0];
    const replicas = master ? nodes.filter(n => n.master === master.key) : [];
    toolbar.append(el('button', {
      type: 'button', class: 'button', id: 'action-takeover', disabled: replicas.length === 0,
      on: { click: () => takeover(info, master, replicas) },
    }, 'Graceful takeover\u2026'));
  }

  function takeover(info, master, replicas) {
    ctx.act({
      title: 'Graceful master takeover',
      text: [`${master.key} stops taking writes and one of its replicas becomes the master of ${info.ClusterAlias || info.ClusterName}.`,
        'The other replicas move below the new master; the old master replicates from it.'],
      fields: [{ name: 'designated', label: 'New master', value: replicas[0].key,
        options: replicas.map(r => ({ value: r.key, label: r.key })) }],
      confirmLabel: 'Take over',
      danger: true,
      path: v => {
        const [h, p] = splitKey(v.designated);
        return `graceful-master-takeover-auto/${seg(info.ClusterName)}/${seg(h)}/${seg(p)}`;
      },
    });
  }

  // -- the tree ----------------------------------------------------------------------------

  function renderTree(tree) {
    const models = new Map(tree.nodes.map(n => [n.key, server(n.instance)]));
    const byKey = new Map(tree.nodes.map(n => [n.key, n]));
    const picture = svg('svg', {
      id: 'topology-svg', class: 'topology-svg', width: tree.width, height: tree.height,
      viewBox: `0 0 ${tree.width} ${tree.height}`, role: 'img',
      'aria-label': `Replication tree of ${current.alias}`,
    },
    svg('defs', {},
      svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8,
        markerHeight: 8, orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }))),
    tree.edges.map(e => {
      const a = byKey.get(e.from);
      const b = byKey.get(e.to);
      const x1 = a.x + BOX.width;
      const y1 = a.y + BOX.height / 2;
      const x2 = b.x;
      const y2 = b.y + BOX.height / 2;
      const mid = (x1 + x2) / 2;
      return svg('path', {
        class: e.coMaster ? 'edge co-master' : 'edge',
        d: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`,
        'marker-end': 'url(#arrow)', 'marker-start': e.coMaster ? 'url(#arrow)' : null,
        dataset: { from: e.from, to: e.to },
      });
    }),
    tree.nodes.map(n => {
      const s = models.get(n.key);
      const text = lines(s);
      const classes = ['server', `level-${s.level}`, s.downtimed ? 'downtimed' : '',
        s.readOnly ? '' : 'writable', s.coMaster ? 'co-master' : '', ctx.canWrite ? 'draggable' : '']
        .filter(c => c).join(' ');
      return svg('g', {
        class: classes, transform: `translate(${n.x} ${n.y})`, tabindex: 0, role: 'link',
        'aria-label': text.filter(t => t).join(', '),
        dataset: { key: n.key, master: n.master, depth: n.depth, level: s.level },
        on: { keydown: ev => { if (ev.key === 'Enter') { openInstance(n.key); } } },
      },
      svg('title', {}, [...text, ...s.errors].filter(t => t).join('\n')),
      svg('rect', { class: 'box', width: BOX.width, height: BOX.height, rx: 6, ry: 6 }),
      text.map((t, k) => svg('text', { class: `line line-${k}`, x: 10, y: 20 + k * 17 }, clip(t, LINE_CHARS))));
    }));
    put(canvas, picture);
  }

  function openInstance(key) {
    const [h, p] = splitKey(key);
    window.location.hash = `#/instance/${seg(h)}/${p}`;
  }

  function boxAt(x, y, except) {
    const hit = document.elementFromPoint(x, y);
    const g = hit && hit.closest ? hit.closest('g.server') : null;
    return g && g !== except ? g : null;
  }

  function endDrag() {
    document.removeEventListener('pointermove', onPointerMove);
    document.removeEventListener('pointerup', onPointerUp);
    document.removeEventListener('pointercancel', onPointerCancel);
    if (drag && drag.moved && ctx.canWrite) {
      drag.g.setAttribute('transform', drag.transform);
      drag.g.classList.remove('dragging');
      for (const g of canvas.querySelectorAll('g.server.drop-target')) {
        g.classList.remove('drop-target');
      }
    }
    const d = drag;
    drag = null;
    return d;
  }

  function onPointerDown(ev) {
    if (ev.button !== 0 || drag) {
      return;
    }
    const g = ev.target.closest ? ev.target.closest('g.server') : null;
    if (!g) {
      return;
    }
    ev.preventDefault();
    drag = { g, key: g.dataset.key, x0: ev.clientX, y0: ev.clientY, moved: false,
      transform: g.getAttribute('transform') };
    document.addEventListener('pointermove', onPointerMove);
    document.addEventListener('pointerup', onPointerUp);
    document.addEventListener('pointercancel', onPointerCancel);
  }

  function onPointerMove(ev) {
    if (!drag) {
      return;
    }
    const dx = ev.clientX - drag.x0;
    const dy = ev.clientY - drag.y0;
    if (!drag.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) {
      return;
    }
    if (!ctx.canWrite) {
      drag.moved = true; // not a click either: a read-only user just cannot move servers
      return;
    }
    if (!drag.moved) {
      drag.moved = true;
      ctx.setDragging(true);
      drag.g.classList.add('dragging');
      drag.g.parentNode.append(drag.g); // drawn on top while it moves
    }
    drag.g.setAttribute('transform', `${drag.transform} translate(${dx} ${dy})`);
    const target = boxAt(ev.clientX, ev.clientY, drag.g);
    for (const g of canvas.querySelectorAll('g.server.drop-target')) {
      if (g !== target) {
        g.classList.remove('drop-target');
      }
    }
    if (target) {
      target.classList.add('drop-target');
    }
  }

  function onPointerCancel() {
    endDrag();
    ctx.setDragging(false);
  }

  function onPointerUp(ev) {
    const target = drag && drag.moved && ctx.canWrite ? boxAt(ev.clientX, ev.clientY, drag.g) : null;
    const d = endDrag();
    if (!d) {
      return;
    }
    if (!d.moved) {
      openInstance(d.key);
      return;
    }
    if (target && target.dataset.key !== d.key) {
      relocate(d.key, target.dataset.key);
    }
    ctx.setDragging(false);
  }

  function relocate(key, below) {
    const box = canvas.querySelector(`g.server[data-key="${CSS.escape(key)}"]`);
    const from = box ? box.dataset.master : '';
    const [h, p] = splitKey(key);
    const [bh, bp] = splitKey(below);
    // opens the dialog at once (the page stays still under it)
    ctx.act({
      title: 'Relocate replica',
      text: [`Make ${key} replicate from ${below}${from ? ` instead of ${from}` : ''}?`,
        'orcha picks the method (GTID, binlog coordinates) and refuses a move that cannot work.'],
      confirmLabel: 'Relocate',
      path: () => `relocate/${seg(h)}/${seg(p)}/${seg(bh)}/${seg(bp)}`,
    });
  }

  canvas.addEventListener('pointerdown', onPointerDown);

  // -- problems ----------------------------------------------------------------------------

  function renderProblems(entries) {
    if (entries.length === 0) {
      put(problems, el('p', { class: 'muted', id: 'no-problems' }, 'No problems.'));
      return;
    }
    put(problems, el('table', { class: 'grid', id: 'problem-list' },
      el('thead', {}, el('tr', {}, ['Server', 'Analysis', 'Description', 'Structure', 'Downtimed']
        .map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, entries.map(a => el('tr', { class: a.downtimed ? 'muted' : '', dataset: { analysis: a.code, key: a.key } },
        el('td', { class: 'mono' }, a.key),
        el('td', {}, a.code === 'NoProblem' ? '' : el('span', { class: `badge ${a.downtimed ? 'muted' : 'problem'}` }, a.code)),
        el('td', {}, a.description),
        el('td', {}, a.structure.map(w => el('span', { class: 'badge warning' }, w))),
        el('td', {}, a.downtimed ? 'yes' : ''))))));
  }

  // -- recoveries --------------------------------------------------------------------------

  function renderRecoveries(list, steps) {
    if (list.length === 0) {
      put(recoveries, el('p', { class: 'muted', id: 'no-recoveries' }, 'No recoveries recorded.'));
      return;
    }
    put(recoveries, ...list.map(r => {
      const outcome = r.end === '' ? 'running' : (r.successful ? 'successful' : 'failed');
      const box = el('details', {
        open: open.has(r.uid),
        on: { toggle: ev => {
          if (ev.target.open) {
            open.add(r.uid);
            ctx.refreshSoon();
          } else {
            open.delete(r.uid);
          }
        } },
      },
      el('summary', {},
        el('span', { class: 'mono' }, r.start), ' ',
        el('span', { class: 'badge problem' }, r.analysis || 'recovery'), ' ',
        r.hint ? el('span', { class: 'badge' }, r.hint) : null,
        `${r.failed}${r.successor ? ` \u2192 ${r.successor}` : ''} `,
        el('span', { class: `badge ${outcome === 'failed' ? 'problem' : (outcome === 'running' ? 'warning' : 'ok')}` }, outcome),
        r.acknowledged ? el('span', { class: 'badge muted' }, 'acknowledged') : null,
        r.active && !r.acknowledged ? el('span', { class: 'badge warning' }, 'blocks recoveries') : null),
      facts([
        ['Type', r.type],
        ['Failed server', r.failed],
        ['Successor', r.successor || 'none'],
        ['Started', r.start],
        ['Ended', r.end || '(running)'],
        r.lost.length ? ['Lost replicas', r.lost.join(', ')] : null,
        r.errors.length ? ['Errors', el('ul', { class: 'plain' }, r.errors.map(e => el('li', {}, e)))] : null,
        ['Run by', r.node],
        r.acknowledged ? ['Acknowledged', `by ${r.ackBy} at ${r.ackAt}: ${r.ackComment}`, 'acknowledged'] : null,
      ]),
      el('h3', {}, 'Steps'),
      steps.has(r.uid)
        ? el('ol', { class: 'steps' }, steps.get(r.uid).map(s =>
          el('li', {}, el('span', { class: 'mono time' }, s.at), ' ', s.message)))
        : el('p', { class: 'muted' }, 'loading\u2026'),
      ctx.canWrite && !r.acknowledged
        ? el('button', { type: 'button', class: 'button action-ack', on: { click: () => acknowledge(r) } }, 'Acknowledge\u2026')
        : null);
      return el('div', { class: 'recovery', dataset: { uid: r.uid, analysis: r.analysis, outcome,
        acknowledged: r.acknowledged, failed: r.failed, successor: r.successor } }, box);
    }));
  }

  function acknowledge(r) {
    ctx.act({
      title: 'Acknowledge recovery',
      text: [`Acknowledge the ${r.analysis} recovery of ${r.failed} started ${r.start}?`,
        'It then no longer blocks another recovery of this cluster.'],
      fields: [{ name: 'comment', label: 'Comment', value: '', required: true }],
      confirmLabel: 'Acknowledge',
      path: v => `ack-recovery/uid/${seg(r.uid)}?comment=${encodeURIComponent(v.comment)}`,
    });
  }

  function recoveryModel(r) {
    const a = r.AnalysisEntry || {};
    return {
      uid: r.UID,
      analysis: a.Analysis || '',
      hint: a.CommandHint || '',
      failed: keyOf(a.AnalyzedInstanceKey),
      successor: keyOf(r.SuccessorKey),
      start: r.RecoveryStartTimestamp || '',
      end: r.RecoveryEndTimestamp || '',
      successful: !!r.IsSuccessful,
      active: !!r.IsActive,
      acknowledged: !!r.Acknowledged,
      ackBy: r.AcknowledgedBy || '',
      ackAt: r.AcknowledgedAt || '',
      ackComment: r.AcknowledgedComment || '',
      errors: r.AllErrors || [],
      lost: (r.LostReplicas || []).map(keyOf),
      node: r.ProcessingNodeHostname || '',
      type: r.Type || '',
    };
  }

  // -- refresh -----------------------------------------------------------------------------

  return {
    root,
    title: hint,
    async refresh() {
      let info;
      let instances;
      try {
        [info, instances] = await Promise.all([listing(`cluster-info/${seg(hint)}`), listing(`cluster/${seg(hint)}`)]);
      } catch (e) {
        error.textContent = `Cluster ${hint}: ${e.message}`;
        error.hidden = false;
        throw e;
      }
      error.hidden = true;
      const alias = info.ClusterAlias || info.ClusterName;
      const [analysis, recent] = await Promise.all([
        details(`replication-analysis/${seg(info.ClusterName)}`),
        listing(`audit-recovery/alias/${seg(alias)}`),
      ]);
      const tree = layout(instances || []);
      current = { nodes: tree.nodes, name: info.ClusterName, alias };

      const header = JSON.stringify([info, tree.nodes.map(n => [n.key, n.master, n.depth, !!n.instance.ReadOnly]), ctx.canWrite]);
      if (header !== seen.header) {
        seen.header = header;
        renderHeader(info, tree.nodes);
      }
      const picture = JSON.stringify([tree.nodes.map(n => [n.key, n.master, n.x, n.y, server(n.instance)]), tree.edges]);
      if (picture !== seen.tree && !drag) {
        seen.tree = picture;
        renderTree(tree);
      }

      const entries = (analysis || []).map(a => ({
        key: keyOf(a.AnalyzedInstanceKey),
        code: a.Analysis,
        description: a.Description || '',
        structure: a.StructureAnalysis || [],
        downtimed: !!a.IsDowntimed,
      }));
      const problemsSig = JSON.stringify(entries);
      if (problemsSig !== seen.problems) {
        seen.problems = problemsSig;
        renderProblems(entries);
      }

      const list = (recent || []).map(recoveryModel);
      if (list.length && list[0].uid !== newest) {
        newest = list[0].uid;
        open.add(newest);
      }
      const steps = new Map();
      await Promise.all(list.filter(r => open.has(r.uid)).map(async r => {
        const s = await listing(`audit-recovery-steps/${seg(r.uid)}`);
        steps.set(r.uid, (s || []).map(x => ({ at: x.AuditAt, message: x.Message })));
      }));
      const recoveriesSig = JSON.stringify([list, [...steps], [...open], ctx.canWrite]);
      if (recoveriesSig !== seen.recoveries) {
        seen.recoveries = recoveriesSig;
        renderRecoveries(list, steps);
      }
      await refreshHistory(ctx, history, { cluster: info.ClusterName });
    },
    dispose() {
      endDrag();
      ctx.setDragging(false);
    },
  };
}

function splitKey(key) {
  const at = key.lastIndexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
}
