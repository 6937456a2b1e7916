// The orchestrator-compatible API of the node that served these pages. Every call has a
// timeout; the answers are JSON (bare values for listings, an envelope {Code, Message,
// Details} for everything that acts).

/** {prefix}/api/ for pages served at {prefix}/web/. */
export const API_BASE = (() => {
  const path = window.location.pathname;
  const at = path.lastIndexOf('/web/');
  return (at >= 0 ? path.slice(0, at) : '') + '/api/';
})();

const READ_TIMEOUT_MS = 8000;

export class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** One path segment, encoded (host names, aliases and reasons may hold anything). */
export function seg(value) {
  return encodeURIComponent(String(value));
}

/** host:port of a KEY object. */
export function keyOf(key) {
  return key && key.Hostname ? `${key.Hostname}:${key.Port}` : '';
}

/** GET {api}/{path}: {status, body}; fails with an ApiError when nothing usable came back. */
export async function request(path, { timeoutMs = READ_TIMEOUT_MS } = {}) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  // from the origin, so that credentials in the page's address never reach fetch()
  const url = new URL(API_BASE + path, window.location.origin);
  let response;
  try {
    response = await fetch(url, {
      signal: abort.signal,
      cache: 'no-store',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
  } catch (e) {
    throw new ApiError(abort.signal.aborted
      ? `no answer from ${path} within ${timeoutMs / 1000} s` : `cannot reach orcha: ${e.message}`, 0);
  } finally {
    clearTimeout(timer);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    throw new ApiError(`${path}: not JSON (HTTP ${response.status})`, response.status);
  }
  return { status: response.status, body };
}

function isEnvelope(body) {
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    && (body.Code === 'OK' || body.Code === 'ERROR') && 'Message' in body;
}

/** A listing (bare JSON); an ERROR envelope or an HTTP error becomes an ApiError. */
export async function listing(path) {
  const { status, body } = await request(path);
  if (status !== 200 || (isEnvelope(body) && body.Code === 'ERROR')) {
    throw new ApiError(isEnvelope(body) ? body.Message : `${path}: HTTP ${status}`, status, body);
  }
  return body;
}

/** An envelope answer as {ok, message, details}; only a failed call throws. */
export async function envelope(path, options = {}) {
  const { status, body } = await request(path, options);
  if (!isEnvelope(body)) {
    throw new ApiError(`${path}: unexpected answer (HTTP ${status})`, status, body);
  }
  return { ok: body.Code === 'OK', message: body.Message, details: body.Details };
}

/** The Details of an OK envelope; an ERROR becomes an ApiError. */
export async function details(path) {
  const r = await envelope(path);
  if (!r.ok) {
    throw new ApiError(r.message, 500, r);
  }
  return r.details;
}
