// The one confirmation dialog: every action asks before it calls the API. A <dialog> shown
// modal; Escape or Cancel answers null, Confirm answers the values of its fields.

import { el } from './dom.js';

let current = null;

/** Whether a dialog is open (the page does not redraw under it). */
export function isOpen() {
  return current !== null;
}

/**
 * Asks. fields: [{name, label, value, required, options: [{value, label}], placeholder}].
 * Resolves to an object of the fields' values, or null when cancelled.
 */
export function ask({ title, text = [], fields = [], confirmLabel = 'Confirm', danger = false }) {
  if (current) {
    current.close();
  }
  return new Promise(resolve => {
    const inputs = {};
    const problem = el('p', { class: 'dialog-problem', role: 'alert', hidden: true });
    const rows = fields.map(f => {
      const id = `dialog-field-${f.name}`;
      let input;
      if (f.options) {
        input = el('select', { id, name: f.name },
          f.options.map(o => el('option', { value: o.value, selected: o.value === f.value }, o.label)));
      } else {
        input = el('input', { id, name: f.name, type: 'text', autocomplete: 'off',
          placeholder: f.placeholder || null });
        input.value = f.value ?? '';
      }
      inputs[f.name] = { input, field: f };
      return el('div', { class: 'dialog-row' }, el('label', { for: id }, f.label), input);
    });
    const cancel = el('button', { type: 'button', id: 'dialog-cancel', class: 'button' }, 'Cancel');
    const confirm = el('button', { type: 'button', id: 'dialog-confirm',
      class: danger ? 'button danger' : 'button primary' }, confirmLabel);
    const dialog = el('dialog', { id: 'dialog', class: 'dialog', 'aria-labelledby': 'dialog-title' },
      el('h2', { id: 'dialog-title' }, title),
      (Array.isArray(text) ? text : [text]).map(t => el('p', { class: 'dialog-text' }, t)),
      rows,
      problem,
      el('div', { class: 'dialog-buttons' }, cancel, confirm));

    let answered = false;
    const finish = value => {
      if (answered) {
        return;
      }
      answered = true;
      current = null;
      if (dialog.open) {
        dialog.close();
      }
      dialog.remove();
      resolve(value);
    };
    const submit = () => {
      const values = {};
      for (const [name, { input, field }] of Object.entries(inputs)) {
        const v = input.value.trim();
        if (field.required && v === '') {
          problem.textContent = `${field.label} is required`;
          problem.hidden = false;
          input.focus();
          return;
        }
        values[name] = v;
      }
      finish(values);
    };
    cancel.addEventListener('click', () => finish(null));
    confirm.addEventListener('click', submit);
    dialog.addEventListener('cancel', e => {
      e.preventDefault();
      finish(null);
    });
    dialog.addEventListener('keydown', e => {
      if (e.key === 'Enter' && e.target instanceof HTMLInputElement) {
        e.preventDefault();
        submit();
      }
    });
    document.body.append(dialog);
    current = { close: () => finish(null) };
    dialog.showModal();
    const first = fields.length ? inputs[fields[0].name].input : cancel;
    first.focus();
  });
}
