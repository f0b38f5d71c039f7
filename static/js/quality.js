// Project page: when the quality figures are stale, the server has asked the worker for a
// fresh report; poll until it lands, then reload so every figure comes from the same report.
const box = document.getElementById('quality');

async function poll(started) {
  if (Date.now() - started > 5 * 60 * 1000) return; // give up quietly after five minutes
  try {
    const response = await fetch(box.dataset.api, { credentials: 'same-origin' });
    if (response.ok) {
      const body = await response.json();
      if (!body.stale && body.computed_at !== box.dataset.computed) {
        window.location.reload();
        return;
      }
    }
  } catch { /* a network blip: try again */ }
  window.setTimeout(() => poll(started), 1500);
}

if (box && box.dataset.stale === 'true') poll(Date.now());
