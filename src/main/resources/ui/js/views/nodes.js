// orcha's own nodes: the cluster members (raft-status: this node, its state, the leader and
// the peers) and this node's health (status).

import { envelope, listing } from '../api.js';
import { el, facts, put, yesNo } from '../dom.js';

export function nodesView(ctx) {
  void ctx;
  const self = el('div', { id: 'node-self' });
  const members = el('div', { id: 'node-members' });
  const root = el('section', { class: 'view nodes-view' }, el('h1', {}, 'orcha nodes'),
    el('section', { class: 'panel' }, el('h2', {}, 'Members'), members),
    el('section', { class: 'panel' }, el('h2', {}, 'This node'), self));
  let last = '';

  function render(raft, health) {
    const d = health.details || {};
    put(self, facts([
      ['Address', raft.RaftBind],
      ['State', raft.State, 'state'],
      ['Part of a majority', yesNo(raft.IsPartOfQuorum)],
      ['Healthy', health.ok ? 'yes' : `no: ${health.message}`, 'healthy'],
      ['Host name', d.Hostname || ''],
      ['Backend', (d.ActiveNode && d.ActiveNode.DBBackend) || ''],
      ['Version', (d.ActiveNode && d.ActiveNode.AppVersion) || ''],
    ]));
    const peers = (raft.Peers || []).slice().sort();
    put(members, el('table', { class: 'grid', id: 'members' },
      el('thead', {}, el('tr', {}, ['Node', 'Role', ''].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, peers.map(p => el('tr', { dataset: { node: p, leader: p === raft.Leader } },
        el('td', { class: 'mono' }, p),
        el('td', {}, p === raft.Leader ? el('span', { class: 'badge ok' }, 'leader') : 'follower'),
        el('td', {}, p === raft.RaftBind ? 'this node' : ''))))),
    raft.Leader ? null : el('p', { class: 'error' }, 'No leader known: no node may change a topology now.'));
  }

  return {
    root,
    title: 'Nodes',
    async refresh() {
      const [raft, health] = await Promise.all([listing('raft-status'), envelope('status')]);
      const { LastReported, ...stable } = (health.details && health.details.ActiveNode) || {};
      void LastReported;
      const signature = JSON.stringify([raft, health.ok, health.message, stable, health.details && health.details.Hostname]);
      if (signature !== last) {
        last = signature;
        render(raft, health);
      }
    },
  };
}
