// Export page: while the worker writes the file, show its progress; reload when it is done.
const box = document.getElementById('export');
const bar = document.getElementById('export-bar');
const count = document.getElementById('export-count');

async function poll() {
  try {
    const response = await fetch(box.dataset.api, { credentials: 'same-origin' });
    if (response.ok) {
      const body = await response.json();
      if (bar) {
        bar.max = body.items_total || 1;
        bar.value = body.items_done;
      }
      if (count) count.textContent = `${body.items_done} / ${body.items_total}`;
      if (body.status !== 'pending' && body.status !== 'running') {
        window.location.reload();
        return;
      }
    }
  } catch { /* a network blip: try again */ }
  window.setTimeout(poll, 1000);
}

if (box && (box.dataset.status === 'pending' || box.dataset.status === 'running')) poll();
