// The clusters list: every cluster with its alias, size and health. Health comes from the
// replication analysis (a cluster with an analysis other than NoProblem has a problem; structure
// warnings are warnings) and from the servers' own problems (an unreachable or non-replicating
// server is a problem, lag or an errant GTID a warning); downtimed ones are listed, not counted.

import { details, keyOf, listing, seg } from '../api.js';
import { el, put } from '../dom.js';

const SERIOUS = new Set(['last_check_invalid', 'not_replicating']);

function health(name, analysis, servers) {
  const problems = [];
  const warnings = [];
  for (const a of analysis) {
    if (!a.ClusterDetails || a.ClusterDetails.ClusterName !== name) {
      continue;
    }
    if (a.Analysis && a.Analysis !== 'NoProblem') {
      problems.push({ code: a.Analysis, key: keyOf(a.AnalyzedInstanceKey), downtimed: !!a.IsDowntimed });
    }
    for (const w of a.StructureAnalysis || []) {
      warnings.push({ code: w, key: keyOf(a.AnalyzedInstanceKey) });
    }
  }
  for (const i of servers) {
    if (i.ClusterName !== name) {
      continue;
    }
    for (const p of i.Problems || []) {
      const entry = { code: p, key: keyOf(i.Key), downtimed: !!i.IsDowntimed };
      (SERIOUS.has(p) ? problems : warnings).push(entry);
    }
  }
  const active = problems.filter(p => !p.downtimed);
  const level = active.length ? 'problem'
    : (problems.length || warnings.some(w => !w.downtimed) ? 'warning' : 'ok');
  return { level, problems, warnings };
}

export function clustersView(ctx) {
  const table = el('table', { class: 'grid', id: 'clusters' });
  const empty = el('p', { class: 'muted', hidden: true },
    'No clusters known yet. Discover a server first, e.g. orcha-client -c discover -i host:port.');
  const root = el('section', { class: 'view clusters-view' }, el('h1', {}, 'Clusters'), table, empty);
  let last = '';

  function render(model) {
    empty.hidden = model.length > 0;
    table.hidden = model.length === 0;
    put(table,
      el('thead', {}, el('tr', {},
        ['Cluster', 'Name', 'Domain', 'Servers', 'Health', 'Automated recovery'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, model.map(c => el('tr', { class: `cluster health-${c.health.level}`, dataset: { cluster: c.name } },
        el('td', {}, el('a', { href: `#/cluster/${seg(c.alias || c.name)}`, class: 'cluster-link' }, c.alias || c.name)),
        el('td', { class: 'mono' }, c.name),
        el('td', {}, c.domain),
        el('td', { class: 'num' }, String(c.count)),
        el('td', { class: 'health' }, healthCell(c.health)),
        el('td', {}, [c.masterRecovery ? 'master' : null, c.imRecovery ? 'intermediate master' : null]
          .filter(x => x).join(', ') || 'none')))));
  }

  function healthCell(h) {
    if (h.level === 'ok') {
      return el('span', { class: 'badge ok' }, 'ok');
    }
    return el('ul', { class: 'plain' },
      h.problems.map(p => el('li', {},
        el('span', { class: `badge ${p.downtimed ? 'muted' : 'problem'}` }, p.code), ' ', p.key,
        p.downtimed ? ' (downtimed)' : '')),
      h.warnings.map(w => el('li', {}, el('span', { class: `badge ${w.downtimed ? 'muted' : 'warning'}` }, w.code), ' ', w.key,
        w.downtimed ? ' (downtimed)' : '')));
  }

  return {
    root,
    title: 'Clusters',
    async refresh() {
      const [infos, analysis, servers] = await Promise.all([
        listing('clusters-info'), details('replication-analysis'), listing('problems')]);
      const model = (infos || []).map(c => ({
        name: c.ClusterName,
        alias: c.ClusterAlias,
        domain: c.ClusterDomain || '',
        count: c.CountInstances,
        masterRecovery: !!c.HasAutomatedMasterRecovery,
        imRecovery: !!c.HasAutomatedIntermediateMasterRecovery,
        health: health(c.ClusterName, analysis || [], servers || []),
      })).sort((a, b) => (a.alias || a.name).localeCompare(b.alias || b.name));
      const signature = JSON.stringify(model);
      if (signature !== last) {
        last = signature;
        render(model);
      }
    },
  };
}
