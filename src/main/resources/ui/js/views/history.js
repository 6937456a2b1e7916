// The history panel of a cluster page and of a server page (README "Topology history"): the
// timeline of what changed when — the servers' changes, the failure detections, the recovery
// decisions (ran or skipped, and why) and the recovery ends — newest first, refreshed with the
// page; a recovery opens its steps in place. And "why?": what orcha decided around a moment
// (decisions/...?at=&window=), its summary sentences, each decision with its reason, steps and
// outcome, each detection with its evidence and the analysis entry it was made of. Times are
// UTC, as the API gives and takes them. Buttons here only read: they carry the class "reads"
// (a read-only user gets them too).

import { keyOf, listing, seg } from '../api.js';
import { el, facts, put, yesNo } from '../dom.js';

const FIRST_LIMIT = 100;
const MAX_LIMIT = 1000; // the API's own bound
const WINDOWS = [['1m', 60e3], ['5m', 300e3], ['15m', 900e3], ['1h', 3600e3], ['6h', 6 * 3600e3]];
const DEFAULT_WINDOW = '15m';
// a datetime-local value: minutes, or seconds (with step=1), maybe fractions
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** One panel per page section: its limit, open steps and question outlive a refresh. */
const panels = new WeakMap();

/** Fills the history section of a cluster ({cluster}) or a server ({host, port}) page. */
export async function refreshHistory(ctx, section, subject) {
  let panel = panels.get(section);
  if (!panel) {
    panel = historyPanel(ctx, section);
    panels.set(section, panel);
  }
  await panel.refresh(subject);
}

/** "2026-03-01T03:12:00.123Z" as "2026-03-01 03:12:00.123" (the column says UTC). */
function utc(ts) {
  return String(ts || '').replace('T', ' ').replace(/Z$/, '');
}

function windowMs(name) {
  return (WINDOWS.find(([w]) => w === name) || WINDOWS[2])[1];
}

/** The recovery an entry belongs to (ran, ended) or was blocked by (skipped). */
function recoveryUid(e) {
  return e.RecoveryUID || e.BlockingRecoveryUID || '';
}

function instanceLink(key, k) {
  if (!key) {
    return '';
  }
  return el('a', { href: `#/instance/${seg(k.Hostname)}/${k.Port}`, class: 'mono' }, key);
}

/** The kind column: what an entry is, coloured by how much it matters. */
function kindBadge(e) {
  if (e.Kind === 'Detection') {
    return el('span', { class: 'badge problem' }, 'Detection');
  }
  if (e.Kind === 'RecoveryDecision') {
    return e.Decision === 'ran'
      ? el('span', { class: 'badge warning' }, 'Recovery ran')
      : el('span', { class: 'badge skipped' }, e.Standing ? 'Recovery skipped (standing)' : 'Recovery skipped');
  }
  if (e.Kind === 'RecoveryEnded') {
    return el('span', { class: `badge ${e.Successful ? 'ok' : 'problem'}` }, 'Recovery ended');
  }
  const bad = ['Unreachable', 'ReplicationBroken', 'ReplicationStopped', 'LagAboveThreshold']
    .includes(e.Kind);
  return el('span', { class: `badge${bad ? ' warning' : ''}` }, e.Kind);
}

function historyPanel(ctx, section) {
  let subject = null;
  let limit = FIRST_LIMIT;
  const seen = { timeline: '', why: '' };
  const openRows = new Set(); // timeline rows whose recovery steps are shown
  const steps = new Map(); // recovery UID -> [{at, message}]
  const openWhySteps = new Set(); // recovery UIDs whose steps are unfolded in the answer
  /** The question asked: {at ('' for now), window, answer, error}; null when none. */
  let why = null;

  const error = el('p', { class: 'error', id: 'history-error', role: 'alert', hidden: true });
  const count = el('span', { class: 'muted', id: 'history-count' });
  const list = el('div', { class: 'history-list', id: 'history-list' });
  const onlyDecisions = el('input', { type: 'checkbox', id: 'history-decisions-only',
    on: { change: () => list.classList.toggle('decisions-only', onlyDecisions.checked) } });
  const more = el('button', { type: 'button', class: 'button reads', id: 'history-more', hidden: true,
    on: { click: () => {
      limit = Math.min(MAX_LIMIT, limit * 2);
      ctx.refreshSoon();
    } } }, 'Show older');
  const atInput = el('input', { type: 'datetime-local', id: 'why-at', step: 1 });
  const windowSelect = el('select', { id: 'why-window', 'aria-label': 'how long before and after' },
    WINDOWS.map(([w]) => el('option', { value: w, selected: w === DEFAULT_WINDOW }, `\u00b1 ${w}`)));
  const form = el('form', { class: 'why-form', id: 'why-form', novalidate: true,
    on: { submit: ev => {
      ev.preventDefault();
      askFromForm();
    } } },
  el('label', { for: 'why-at' }, 'Why did orcha (not) fail over at'),
  atInput, el('span', { class: 'muted' }, 'UTC'), windowSelect,
  el('button', { type: 'submit', class: 'button primary reads', id: 'why-ask' }, 'Why?'),
  el('span', { class: 'muted' }, '(no time: now)'));
  const whyBox = el('div', { class: 'why', id: 'why', hidden: true, 'aria-live': 'polite' });

  put(section,
    el('h2', {}, 'History'),
    form,
    whyBox,
    el('div', { class: 'history-tools' },
      el('label', { for: 'history-decisions-only' }, onlyDecisions, ' detections and decisions only'),
      count),
    error,
    list,
    more);
  section.hidden = false;

  // -- asking why ---------------------------------------------------------------------------

  function ask(at) {
    why = { at, window: windowSelect.value, answer: null, error: '' };
    seen.why = '';
    renderWhy();
    whyBox.scrollIntoView({ block: 'nearest' });
    ctx.refreshSoon();
  }

  function askFromForm() {
    const v = atInput.value;
    if (atInput.validity.badInput) {
      why = { at: '', window: windowSelect.value, answer: null, error: 'The time is incomplete: give a date and a time, or none for now.' };
      seen.why = '';
      renderWhy();
      return;
    }
    if (v && !LOCAL_TIME.test(v)) {
      why = { at: '', window: windowSelect.value, answer: null, error: `Invalid time: ${v}` };
      seen.why = '';
      renderWhy();
      return;
    }
    ask(v ? `${v}${v.length === 16 ? ':00' : ''}Z` : '');
  }

  /** From a timeline row: its exact time (milliseconds), shown in the picker to the second. */
  function askAbout(ts) {
    atInput.value = String(ts).slice(0, 19);
    ask(ts);
  }

  /** Whether the answer may still change: a window reaching now or beyond. */
  function stillOpen(q) {
    return !q.at || Date.parse(q.at) + windowMs(q.window) > Date.now();
  }

  function close() {
    why = null;
    seen.why = '';
    renderWhy();
  }

  // -- the timeline -------------------------------------------------------------------------

  function rowId(e) {
    return `${e.Timestamp}|${e.Kind}|${keyOf(e.Key)}|${recoveryUid(e)}`;
  }

  function toggleSteps(id) {
    if (openRows.has(id)) {
      openRows.delete(id);
    } else {
      openRows.add(id);
    }
    seen.timeline = '';
    ctx.refreshSoon();
  }

  function entryRow(e) {
    const key = keyOf(e.Key);
    const uid = recoveryUid(e);
    const id = rowId(e);
    const classes = ['history-entry', `source-${e.Source}`, e.Decision ? `decision-${e.Decision}` : '',
      e.Kind === 'RecoveryEnded' ? (e.Successful ? 'ended-ok' : 'ended-failed') : ''];
    const notes = [];
    if (e.Decision === 'ran' && e.Reason) {
      notes.push(e.Reason);
    }
    if (e.Kind === 'RecoveryEnded' && (e.LostReplicas || []).length) {
      notes.push(`lost replicas: ${e.LostReplicas.map(keyOf).join(', ')}`);
    }
    const cluster = e.ClusterAlias && e.ClusterAlias !== e.ClusterName
      ? `${e.ClusterAlias} (${e.ClusterName})` : e.ClusterName;
    return el('tr', { class: classes.filter(c => c).join(' '), dataset: {
      kind: e.Kind, source: e.Source, key, analysis: e.Analysis || '', decision: e.Decision || '',
      uid, timestamp: e.Timestamp } },
    el('td', { class: 'mono time', title: e.Timestamp }, utc(e.Timestamp)),
    el('td', {}, kindBadge(e), e.Analysis ? el('span', { class: 'badge' }, e.Analysis) : null),
    el('td', { title: cluster ? `cluster ${cluster}` : null }, instanceLink(key, e.Key)),
    el('td', {}, el('span', { class: 'message' }, e.Message),
      notes.map(n => el('div', { class: 'muted note' }, n))),
    el('td', { class: 'history-actions' },
      e.Source !== 'topology' ? el('button', { type: 'button', class: 'link-button reads history-why',
        title: 'what orcha decided around this moment', on: { click: () => askAbout(e.Timestamp) } }, 'why?') : null,
      uid ? el('button', { type: 'button', class: 'link-button reads history-steps-toggle',
        'aria-expanded': String(openRows.has(id)),
        title: e.Decision === 'skipped' ? 'the steps of the recovery that blocked this one' : 'the steps of this recovery',
        on: { click: () => toggleSteps(id) } },
      e.Decision === 'skipped' ? 'blocking recovery' : 'steps') : null));
  }

  function stepsRow(e) {
    const uid = recoveryUid(e);
    const list = steps.get(uid);
    return el('tr', { class: 'history-steps', dataset: { uid } },
      el('td', {}),
      el('td', { colspan: 4 }, list === undefined
        ? el('p', { class: 'muted' }, 'loading\u2026')
        : (list.length === 0 ? el('p', { class: 'muted' }, 'no steps recorded')
          : el('ol', { class: 'steps' }, list.map(s =>
            el('li', {}, el('span', { class: 'mono time' }, s.at), ' ', s.message))))));
  }

  function renderTimeline(entries) {
    count.textContent = `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`
      + (entries.length >= limit ? ` (the newest ${limit})` : '');
    more.hidden = !(entries.length >= limit && limit < MAX_LIMIT);
    if (entries.length === 0) {
      put(list, el('p', { class: 'muted', id: 'no-history' }, 'Nothing recorded yet.'));
      return;
    }
    put(list, el('table', { class: 'grid history', id: 'history-table' },
      el('thead', {}, el('tr', {}, ['Time (UTC)', 'Kind', 'Server', 'What happened', '']
        .map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, entries.map(e => [entryRow(e), openRows.has(rowId(e)) ? stepsRow(e) : null]))));
  }

  // -- the answer to "why?" -----------------------------------------------------------------

  function decisionRows(d) {
    const key = keyOf(d.Key);
    let outcome = '';
    if (d.Decision === 'ran') {
      const o = d.Outcome;
      outcome = !o ? 'still running' : (o.Successful ? `successful, successor ${keyOf(o.SuccessorKey)}`
        : `unsuccessful${(o.Errors || []).length ? `: ${o.Errors.join('; ')}` : ''}`);
    } else if (d.BlockingRecoveryId) {
      outcome = `blocked by recovery ${d.BlockingRecoveryId}`;
    }
    const row = el('tr', { class: `why-decision decision-${d.Decision}`, dataset: {
      decision: d.Decision, analysis: d.Analysis || '', key, standing: !!d.Standing,
      uid: recoveryUid(d) } },
    el('td', { class: 'mono time', title: d.Timestamp }, utc(d.Timestamp)),
    el('td', {}, kindBadge(d)),
    el('td', {}, d.Analysis ? el('span', { class: 'badge' }, d.Analysis) : ''),
    el('td', {}, instanceLink(key, d.Key)),
    el('td', { class: 'reason' }, d.Decision === 'ran' ? d.Reason : d.Message.replace(/^skipped: /, '')),
    el('td', { class: 'outcome' }, outcome));
    if (d.Decision !== 'ran' || !(d.Steps || []).length) {
      return [row];
    }
    // folded unless unfolded before (the answer is redrawn when it changes)
    const uid = recoveryUid(d);
    return [row, el('tr', { class: 'why-steps' }, el('td', {}), el('td', { colspan: 5 },
      el('details', { open: openWhySteps.has(uid), on: { toggle: ev => {
        if (ev.target.open) {
          openWhySteps.add(uid);
        } else {
          openWhySteps.delete(uid);
        }
      } } },
      el('summary', {}, `Recovery ${d.RecoveryId}: ${d.Steps.length} steps`),
      el('ol', { class: 'steps' }, d.Steps.map(s => el('li', {},
        el('span', { class: 'mono time' }, utc(s.Timestamp)), ' ',
        s.Phase ? el('span', { class: 'badge' }, s.Phase) : null, ' ', s.Message))))))];
  }

  function evidenceTable(evidence) {
    return el('table', { class: 'grid evidence' },
      el('thead', {}, el('tr', {}, ['Server', 'Role', 'Reachable', 'Last seen', 'Last error',
        'IO thread', 'SQL thread', 'Last IO error', 'Lag'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, evidence.map(v => el('tr', {
        class: v.Reachable ? '' : 'unreachable', dataset: { key: keyOf(v.Key), role: v.Role || '' } },
      el('td', { class: 'mono' }, keyOf(v.Key)),
      el('td', {}, v.Role),
      el('td', {}, v.Reachable ? 'yes' : el('span', { class: 'badge problem' }, 'no')),
      el('td', { class: 'mono' }, v.LastSeen),
      el('td', {}, v.LastError),
      el('td', {}, v.IOThread),
      el('td', {}, v.SQLThread),
      el('td', {}, v.LastIOError),
      el('td', { class: 'num' }, v.LagSeconds && v.LagSeconds.Valid ? `${v.LagSeconds.Int64}s` : 'null')))));
  }

  /**
   * The fields of the analysis entry that made the diagnosis, and whether the detection may be
   * recovered (the detection's own flag: the entry's IsActionableRecovery is a processing field).
   */
  function analysisFacts(a, actionable) {
    const replicas = `${a.CountReplicas} (${a.CountValidReplicas} reachable, `
      + `${a.CountValidReplicatingReplicas} replicating, ${a.CountReplicasFailingToConnectToMaster} failing to connect`
      + `${a.CountDowntimedReplicas ? `, ${a.CountDowntimedReplicas} downtimed` : ''})`;
    return facts([
      ['Analysis', `${a.Analysis}${a.Description ? `: ${a.Description}` : ''}`, 'analysis'],
      ['Master of the server', keyOf(a.AnalyzedInstanceMasterKey) || 'none'],
      ['Is a master', yesNo(a.IsMaster)],
      ['Last check valid', yesNo(a.LastCheckValid), 'last-check-valid'],
      ['Replicas', replicas, 'replicas'],
      ['Downtimed', yesNo(a.IsDowntimed), 'downtimed'],
      (a.StructureAnalysis || []).length ? ['Structure', a.StructureAnalysis.join(', ')] : null,
      ['Recoverable', actionable ? 'yes' : 'no (detection only)', 'actionable'],
      a.ProcessingNodeHostname ? ['Seen by', a.ProcessingNodeHostname] : null,
    ], { class: 'facts analysis-entry' });
  }

  function detectionBlock(d) {
    const key = keyOf(d.Key);
    return el('div', { class: 'why-detection', dataset: { analysis: d.Analysis || '', key } },
      el('h4', {},
        el('span', { class: 'mono time', title: d.Timestamp }, utc(d.Timestamp)), ' ',
        el('span', { class: 'badge problem' }, d.Analysis), ' ', instanceLink(key, d.Key), ' ',
        d.Actionable ? null : el('span', { class: 'badge' }, 'detection only'),
        d.Acknowledged ? el('span', { class: 'badge' }, 'acknowledged') : null),
      el('p', { class: 'message' }, d.Message),
      el('h5', {}, 'Evidence: how the servers looked'),
      evidenceTable(d.Evidence || []),
      d.AnalysisEntry ? [el('h5', {}, 'The analysis entry'), analysisFacts(d.AnalysisEntry, d.Actionable)] : null);
  }

  function renderWhy() {
    whyBox.hidden = why === null;
    if (why === null) {
      whyBox.replaceChildren();
      return;
    }
    const a = why.answer;
    const title = a ? `What orcha decided between ${utc(a.From)} and ${utc(a.To)} UTC`
      : `What orcha decided around ${why.at ? utc(why.at) : 'now'}`;
    const head = el('div', { class: 'why-head' }, el('h3', {}, title),
      el('button', { type: 'button', class: 'button reads', id: 'why-close', on: { click: close } }, 'Close'));
    if (why.error) {
      put(whyBox, head, el('p', { class: 'error', id: 'why-error', role: 'alert' }, why.error));
      return;
    }
    if (!a) {
      put(whyBox, head, el('p', { class: 'muted' }, 'asking orcha\u2026'));
      return;
    }
    const decisions = a.Decisions || [];
    const detections = a.Detections || [];
    const changes = a.Changes || [];
    put(whyBox, head,
      el('ul', { class: 'why-summary', id: 'why-summary' }, (a.Summary || []).map(s => el('li', {}, s))),
      el('h4', {}, 'Decisions'),
      decisions.length === 0 ? el('p', { class: 'muted', id: 'why-no-decisions' }, 'No recovery decided.')
        : el('table', { class: 'grid why-decisions', id: 'why-decisions' },
          el('thead', {}, el('tr', {}, ['Time (UTC)', 'Decision', 'Analysis', 'Server', 'Why', 'Outcome']
            .map(h => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, decisions.map(decisionRows))),
      el('h4', {}, 'Detections'),
      detections.length === 0 ? el('p', { class: 'muted', id: 'why-no-detections' }, 'No failure detected.')
        : el('div', { id: 'why-detections' }, detections.map(detectionBlock)),
      el('details', { class: 'why-changes' },
        el('summary', {}, `The servers' changes meanwhile (${changes.length})`),
        changes.length === 0 ? el('p', { class: 'muted' }, 'none') : el('table', { class: 'grid' },
          el('tbody', {}, changes.map(c => el('tr', { dataset: { kind: c.Kind, key: keyOf(c.Key) } },
            el('td', { class: 'mono time' }, utc(c.Timestamp)),
            el('td', {}, kindBadge(c)),
            el('td', { class: 'mono' }, keyOf(c.Key)),
            el('td', {}, c.Message)))))));
  }

  // -- refresh ------------------------------------------------------------------------------

  async function attempt(promise) {
    try {
      return { value: await promise };
    } catch (e) {
      return { error: e };
    }
  }

  return {
    async refresh(next) {
      subject = next;
      const path = subject.cluster ? `cluster/${seg(subject.cluster)}`
        : `instance/${seg(subject.host)}/${subject.port}`;
      const asked = why;
      const askNow = asked !== null && !asked.error && (asked.answer === null || stillOpen(asked));
      const query = asked ? `window=${encodeURIComponent(asked.window)}`
        + (asked.at ? `&at=${encodeURIComponent(asked.at)}` : '') : '';
      const [timeline, answer] = await Promise.all([
        attempt(listing(`history/${path}?limit=${limit}`)),
        askNow ? attempt(listing(`decisions/${path}?${query}`)) : null,
      ]);

      // a failed read shows here and leaves the rest of the page alone
      error.hidden = !timeline.error;
      if (timeline.error) {
        error.textContent = `History: ${timeline.error.message}`;
      } else {
        const entries = timeline.value || [];
        const ids = new Set(entries.map(rowId));
        for (const id of [...openRows]) {
          if (!ids.has(id)) {
            openRows.delete(id);
          }
        }
        const uids = new Set(entries.filter(e => openRows.has(rowId(e))).map(recoveryUid));
        await Promise.all([...uids].map(async uid => {
          const r = await attempt(listing(`audit-recovery-steps/${seg(uid)}`));
          steps.set(uid, r.error ? [{ at: '', message: `cannot read the steps: ${r.error.message}` }]
            : (r.value || []).map(s => ({ at: s.AuditAt, message: s.Message })));
        }));
        const signature = JSON.stringify([entries, [...openRows], [...uids].map(u => steps.get(u)), limit]);
        if (signature !== seen.timeline) {
          seen.timeline = signature;
          renderTimeline(entries);
        }
      }

      if (answer && why === asked) {
        if (answer.error) {
          why.error = `The question could not be answered: ${answer.error.message}`;
        } else {
          why.answer = answer.value;
        }
      }
      const whySignature = JSON.stringify(why && [why.at, why.window, why.error, why.answer]);
      if (whySignature !== seen.why) {
        seen.why = whySignature;
        renderWhy();
      }
    },
  };
}
