// The browser's client of the JSON API (/api/v1): same-origin requests under the session,
// answers read as {status, body}. The API accepts a browser session only with the CSRF
// token in a header, which is why every request carries it.

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : '';
}

async function readBody(response) {
  // 204 and non-JSON error pages (e.g. a proxy's 502) have no usable body.
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function send(url, options) {
  const response = await fetch(url, {
    credentials: 'same-origin',
    ...options,
    headers: { Accept: 'application/json', 'X-CSRFToken': csrfToken(), ...options.headers },
  });
  return { status: response.status, body: await readBody(response) };
}

/** POST a JSON body; resolves to {status, body}, rejects only on network failure. */
export function postJSON(url, body) {
  return send(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
}

/** POST a FormData (multipart); the browser sets the boundary header itself. */
export function postForm(url, formData) {
  return send(url, { method: 'POST', headers: {}, body: formData });
}

/** GET JSON; resolves to {status, body}. */
export function getJSON(url) {
  return send(url, { method: 'GET', headers: {}, cache: 'no-store' });
}

/** The message of an API error body {error: {code, message}}, or the fallback. */
export function errorMessage(body, fallback) {
  return (body && body.error && body.error.message) || fallback;
}
