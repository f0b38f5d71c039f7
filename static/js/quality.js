// Project page: when the quality figures are stale, the server has asked the worker for a
// fresh report; poll until it lands, then reload so every figure comes from the same report.
// A user who is typing in a form or has sent one keeps their page: they get a link instead.
const box = document.getElementById('quality');
let submitted = false;

function formState() {
  return JSON.stringify(Array.from(document.forms).map((form) => Array.from(form.elements).map(
    (control) => [control.value, control.checked, control.selectedIndex],
  )));
}

const loaded = formState();

function editing() {
  const active = document.activeElement;
  if (active && active.matches('input, textarea, select')) return true;
  return formState() !== loaded;
}

function offerReload() {
  const computing = document.getElementById('quality-computing');
  const ready = document.getElementById('quality-ready');
  if (computing) computing.hidden = true;
  if (ready) ready.hidden = false;
}

async function poll(started) {
  if (submitted || Date.now() - started > 5 * 60 * 1000) return; // quietly, after five minutes
  try {
    const response = await fetch(box.dataset.api, { credentials: 'same-origin' });
    if (response.ok) {
      const body = await response.json();
      if (!body.stale && body.computed_at !== box.dataset.computed) {
        if (submitted) return;
        if (editing()) offerReload();
        else window.location.reload();
        return;
      }
    }
  } catch { /* a network blip: try again */ }
  window.setTimeout(() => poll(started), 1500);
}

document.addEventListener('submit', () => { submitted = true; }, true);
if (box && box.dataset.stale === 'true') poll(Date.now());
