// While a corpus is being split into items, poll its status and reload the
// page once it is done, so the server renders the final counts and errors.
import { getJSON } from './api-client.js';

const corpus = document.getElementById('corpus');
const bar = document.getElementById('ingest-bar');
const items = document.getElementById('corpus-items');
const duplicates = document.getElementById('corpus-duplicates');
const INTERVAL_MS = 1000;

async function poll() {
  let delay = INTERVAL_MS;
  try {
    const { status, body } = await getJSON(corpus.dataset.api);
    if (status === 200 && body) {
      if (body.status !== 'processing') {
        window.location.reload();
        return;
      }
      if (bar && typeof body.progress === 'number') bar.value = body.progress;
      if (items && body.item_count != null) items.textContent = body.item_count;
      if (duplicates && body.duplicate_count != null) duplicates.textContent = body.duplicate_count;
    } else {
      delay = INTERVAL_MS * 5; // e.g. logged out or server trouble: back off, keep trying
    }
  } catch {
    delay = INTERVAL_MS * 5; // network hiccup
  }
  // setTimeout after each answer (not setInterval) so slow answers never pile up.
  window.setTimeout(poll, delay);
}

if (corpus && corpus.dataset.status === 'processing') window.setTimeout(poll, INTERVAL_MS);
