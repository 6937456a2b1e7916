// Building the DOM without HTML parsing: every piece of data goes in through textContent or
// setAttribute, never parsed as markup, so a server name, alias, owner or reason such as
// "<img src=x onerror=alert(1)>" is shown as the text it is.

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'on') {
      for (const [type, handler] of Object.entries(value)) {
        node.addEventListener(type, handler);
      }
    } else if (name === 'dataset') {
      for (const [k, v] of Object.entries(value)) {
        node.dataset[k] = String(v);
      }
    } else if (name === 'hidden' && value === true) {
      node.hidden = true;
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: el('a', {href: '#/x', class: 'y'}, 'text', otherNode). */
export function el(tag, attrs = {}, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/**
 * Replaces a node's children (skipping null, undefined and false, which the DOM's own
 * replaceChildren would print as text).
 */
export function put(node, ...children) {
  node.replaceChildren();
  return fill(node, {}, children);
}

/** An SVG element, the same way. */
export function svg(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Shortens a text for a fixed-width place; the whole text belongs in a title. */
export function clip(text, max) {
  const s = String(text ?? '');
  return s.length <= max ? s : s.slice(0, Math.max(0, max - 1)) + '\u2026';
}

/** A definition table of [label, value] rows (value: text or a node). */
export function facts(rows, attrs = {}) {
  return el('table', { class: 'facts', ...attrs },
    el('tbody', {}, rows.filter(r => r).map(([label, value, key]) =>
      el('tr', key ? { dataset: { field: key } } : {},
        el('th', { scope: 'row' }, label),
        el('td', {}, value)))));
}

/** "yes"/"no" for a boolean. */
export function yesNo(b) {
  return b ? 'yes' : 'no';
}
