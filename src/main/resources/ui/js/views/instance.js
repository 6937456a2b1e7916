// One server's details (instance/:host/:port) and its actions: begin and end a downtime.

import { keyOf, listing, seg } from '../api.js';
import { el, facts, put, yesNo } from '../dom.js';
import { refreshHistory } from './history.js';

const THREAD = { '-1': 'not configured', 0: 'stopped', 1: 'running', 2: 'connecting' };

function nullInt(n) {
  return n && n.Valid ? String(n.Int64) : 'null';
}

function coords(c) {
  return c && c.LogFile ? `${c.LogFile}:${c.LogPos}` : '';
}

export function instanceView(ctx, host, port) {
  const key = `${host}:${port}`;
  const heading = el('h1', { class: 'mono' }, key);
  const sub = el('p', { class: 'sub' });
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const toolbar = el('div', { class: 'toolbar', id: 'instance-actions' });
  const body = el('div', { class: 'columns', id: 'instance-facts' });
  const history = el('section', { class: 'panel history-panel', id: 'history', hidden: true });
  const root = el('section', { class: 'view instance-view' }, heading, sub, error, toolbar, body, history);
  const lastSeen = el('span', { id: 'last-seen' });
  let last = '';

  function render(i) {
    const cluster = i.ClusterName;
    put(sub, 'cluster ',
      el('a', { href: `#/cluster/${seg(cluster)}`, class: 'mono', id: 'instance-cluster' }, cluster),
      i.IsDowntimed ? el('span', { class: 'badge muted' }, 'downtimed') : null,
      i.IsLastCheckValid ? null : el('span', { class: 'badge problem' }, 'unreachable'));
    put(toolbar);
    if (ctx.canWrite) {
      toolbar.append(el('button', { type: 'button', class: 'button', id: 'action-begin-downtime',
        on: { click: beginDowntime } }, 'Begin downtime\u2026'));
      if (i.IsDowntimed) {
        toolbar.append(el('button', { type: 'button', class: 'button', id: 'action-end-downtime',
          on: { click: endDowntime } }, 'End downtime\u2026'));
      }
    }
    const master = keyOf(i.MasterKey);
    put(body,
      el('section', { class: 'panel' }, el('h2', {}, 'Server'), facts([
        ['Key', key],
        ['Alias', i.InstanceAlias],
        ['Version', `${i.Version} (${i.FlavorName})`],
        ['Version comment', i.VersionComment],
        ['Server id', String(i.ServerID)],
        ['Server UUID', i.ServerUUID],
        ['Read-only', yesNo(i.ReadOnly), 'read-only'],
        ['Binary log', i.LogBinEnabled ? `${i.Binlog_format}, log_slave_updates ${yesNo(i.LogReplicationUpdatesEnabled)}` : 'off'],
        ['Own coordinates', coords(i.SelfBinlogCoordinates)],
        ['GTID', [i.GTIDMode, i.UsingMariaDBGTID ? 'MariaDB GTID in use' : '', i.UsingOracleGTID ? 'GTID auto-position' : ''].filter(x => x).join(', ')],
        ['Executed GTID set', i.ExecutedGtidSet],
        ['Errant GTID', i.GtidErrant],
        ['Uptime', `${i.Uptime} s`],
      ])),
      el('section', { class: 'panel' }, el('h2', {}, 'Replication'), facts([
        ['Master', master ? el('a', { href: `#/instance/${seg(i.MasterKey.Hostname)}/${i.MasterKey.Port}`, class: 'mono' }, master) : 'none', 'master'],
        ['IO thread', THREAD[i.ReplicationIOThreadState] ?? String(i.ReplicationIOThreadState)],
        ['SQL thread', THREAD[i.ReplicationSQLThreadState] ?? String(i.ReplicationSQLThreadState)],
        ['Lag', nullInt(i.ReplicationLagSeconds), 'lag'],
        ['Seconds behind master', nullInt(i.SecondsBehindMaster)],
        ['SQL delay', String(i.SQLDelay)],
        ['Last IO error', i.LastIOError, 'io-error'],
        ['Last SQL error', i.LastSQLError, 'sql-error'],
        ['Read coordinates', coords(i.ReadBinlogCoordinates)],
        ['Executed coordinates', coords(i.ExecBinlogCoordinates)],
        ['Replicas', (i.Replicas || []).map(keyOf).join(', ')],
        ['Depth', String(i.ReplicationDepth)],
        ['Co-master', yesNo(i.IsCoMaster)],
        ['Semi-sync', [i.SemiSyncMasterStatus ? 'master' : '', i.SemiSyncReplicaStatus ? 'replica' : ''].filter(x => x).join(', ') || 'off'],
      ])),
      el('section', { class: 'panel' }, el('h2', {}, 'State'), facts([
        ['Cluster', cluster],
        ['Data center', i.DataCenter, 'data-center'],
        ['Region', i.Region, 'region'],
        ['Environment', i.PhysicalEnvironment],
        ['Promotion rule', i.PromotionRule],
        ['Last check valid', yesNo(i.IsLastCheckValid)],
        ['Last seen', lastSeen],
        ['Problems', (i.Problems || []).join(', ') || 'none', 'problems'],
        ['Downtimed', yesNo(i.IsDowntimed), 'downtimed'],
        i.IsDowntimed ? ['Downtime owner', i.DowntimeOwner, 'downtime-owner'] : null,
        i.IsDowntimed ? ['Downtime reason', i.DowntimeReason, 'downtime-reason'] : null,
        i.IsDowntimed ? ['Downtime ends', i.DowntimeEndTimestamp] : null,
      ])));
  }

  function beginDowntime() {
    ctx.act({
      title: 'Begin downtime',
      text: [`While ${key} is downtimed orcha detects its failures but does not recover them.`],
      fields: [
        { name: 'owner', label: 'Owner', value: ctx.user || 'web', required: true },
        { name: 'reason', label: 'Reason', value: '', required: true },
        { name: 'duration', label: 'Duration', value: '1h', required: true, placeholder: 'e.g. 30m, 2h, 1d' },
      ],
      confirmLabel: 'Begin downtime',
      path: v => `begin-downtime/${seg(host)}/${port}/${seg(v.owner)}/${seg(v.reason)}/${seg(v.duration)}`,
    });
  }

  function endDowntime() {
    ctx.act({
      title: 'End downtime',
      text: [`End the downtime of ${key}? orcha then recovers its failures again.`],
      confirmLabel: 'End downtime',
      path: () => `end-downtime/${seg(host)}/${port}`,
    });
  }

  return {
    root,
    title: key,
    async refresh() {
      let i;
      try {
        i = await listing(`instance/${seg(host)}/${port}`);
      } catch (e) {
        error.textContent = e.message;
        error.hidden = false;
        throw e;
      }
      error.hidden = true;
      // the fields shown, without the ones that change on every probe
      const { LastSeenTimestamp, SecondsSinceLastSeen, LastDiscoveryLatency, Uptime, ElapsedDowntime, ...shown } = i;
      void LastSeenTimestamp; void SecondsSinceLastSeen; void LastDiscoveryLatency; void Uptime; void ElapsedDowntime;
      const signature = JSON.stringify([shown, ctx.canWrite]);
      if (signature !== last) {
        last = signature;
        render(i);
      }
      lastSeen.textContent = `${i.LastSeenTimestamp} (${nullInt(i.SecondsSinceLastSeen)} s ago)`;
      await refreshHistory(ctx, history, { host, port });
    },
  };
}
