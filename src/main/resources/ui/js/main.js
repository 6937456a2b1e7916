// The single page: a hash router (#/clusters, #/cluster/NAME, #/instance/HOST/PORT, #/nodes),
// a poller that refreshes the current view every POLL_MS (never two refreshes at once, none
// while a dialog is open or a server box is being dragged), the notice line, and the caller's
// rights (whoami): a read-only caller gets no action buttons and cannot drag.

import { envelope, listing } from './api.js';
import * as dialog from './dialog.js';
import { el, put } from './dom.js';
import { clusterView } from './views/cluster.js';
import { clustersView } from './views/clusters.js';
import { instanceView } from './views/instance.js';
import { nodesView } from './views/nodes.js';

const POLL_MS = 2000;
const ACTION_TIMEOUT_MS = 120000;

const state = {
  who: { User: '', CanWrite: false },
  view: null,
  timer: null,
  running: false,
  again: false,
  dragging: false,
};

const notice = document.getElementById('notice');
const updated = document.getElementById('updated');
const who = document.getElementById('who');
const main = document.getElementById('view');

/** What the views get: the caller's rights, the notice line, actions and the poller. */
const ctx = {
  get canWrite() {
    return state.who.CanWrite === true;
  },
  get user() {
    return state.who.User || '';
  },
  paused() {
    return dialog.isOpen() || state.dragging;
  },
  setDragging(on) {
    state.dragging = on;
  },
  refreshSoon() {
    tick();
  },
  notify(text, kind = 'info') {
    put(notice, el('span', { class: 'notice-text' }, text),
      el('button', { type: 'button', class: 'notice-close', 'aria-label': 'Dismiss',
        on: { click: () => { notice.hidden = true; } } }, '\u00d7'));
    notice.dataset.kind = kind;
    notice.hidden = false;
  },
  /**
   * Asks for confirmation (and the fields' values), then calls path(values) and tells the
   * answer. Resolves to the envelope, or null when cancelled.
   */
  async act({ title, text, fields, confirmLabel, danger, path }) {
    const values = await dialog.ask({ title, text, fields, confirmLabel, danger });
    if (values === null) {
      return null;
    }
    ctx.notify(`${title}: waiting for orcha\u2026`, 'busy');
    let answer = null;
    try {
      answer = await envelope(path(values), { timeoutMs: ACTION_TIMEOUT_MS });
      ctx.notify(`${title}: ${answer.message}`, answer.ok ? 'ok' : 'error');
    } catch (e) {
      ctx.notify(`${title} failed: ${e.message}`, 'error');
    }
    ctx.refreshSoon();
    return answer;
  },
};

async function tick() {
  clearTimeout(state.timer);
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  try {
    if (state.view && !ctx.paused()) {
      await state.view.refresh();
      updated.textContent = `updated ${new Date().toLocaleTimeString()}`;
      updated.dataset.state = 'fresh';
    }
  } catch (e) {
    updated.textContent = `not updated: ${e.message}`;
    updated.dataset.state = 'stale';
  } finally {
    state.running = false;
  }
  if (state.again) {
    state.again = false;
    tick();
    return;
  }
  state.timer = setTimeout(tick, POLL_MS);
}

const ROUTES = [
  [/^#\/clusters\/?$/, () => clustersView(ctx)],
  [/^#\/cluster\/([^/]+)$/, m => clusterView(ctx, decodeURIComponent(m[1]))],
  [/^#\/instance\/([^/]+)\/(\d+)$/, m => instanceView(ctx, decodeURIComponent(m[1]), Number(m[2]))],
  [/^#\/nodes\/?$/, () => nodesView(ctx)],
];

function route() {
  const hash = window.location.hash || '#/clusters';
  for (const [pattern, make] of ROUTES) {
    const m = hash.match(pattern);
    if (m) {
      return make(m);
    }
  }
  window.location.replace('#/clusters');
  return null;
}

function show() {
  const view = route();
  if (!view) {
    return;
  }
  if (state.view && state.view.dispose) {
    state.view.dispose();
  }
  state.view = view;
  notice.hidden = true; // an action's outcome belongs to the page it was taken on
  put(main, view.root);
  document.title = `${view.title} \u2013 orcha`;
  for (const a of document.querySelectorAll('header nav a')) {
    a.classList.toggle('current', (window.location.hash || '#/clusters').startsWith(a.getAttribute('href')));
  }
  tick();
}

async function start() {
  try {
    state.who = await listing('whoami');
  } catch (e) {
    state.who = { User: '', CanWrite: false };
    ctx.notify(`Cannot tell who you are (${e.message}): actions are hidden.`, 'error');
  }
  who.textContent = `${state.who.User || 'anonymous'}${ctx.canWrite ? '' : ' (read-only)'}`;
  who.dataset.canWrite = String(ctx.canWrite);
  document.body.dataset.canWrite = String(ctx.canWrite);
  window.addEventListener('hashchange', show);
  show();
}

start();
