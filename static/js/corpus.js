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

// While a search for near-duplicates runs, move its bar and reload when it ends.
const search = corpus && corpus.dataset.search;
const searchBar = document.getElementById('near-duplicates-bar');

async function pollSearch() {
  let delay = INTERVAL_MS;
  try {
    const { status, body } = await getJSON(search);
    if (status === 200 && body) {
      if (body.status !== 'running') {
        window.location.reload();
        return;
      }
      if (searchBar) searchBar.value = body.progress;
    } else {
      delay = INTERVAL_MS * 5;
    }
  } catch {
    delay = INTERVAL_MS * 5;
  }
  window.setTimeout(pollSearch, delay);
}

if (search) window.setTimeout(pollSearch, INTERVAL_MS);

// "Select every item on this page" ticks or clears the item boxes.
const selectAll = document.getElementById('select-all');
if (selectAll) {
  selectAll.addEventListener('change', () => {
    for (const box of document.querySelectorAll('#item-table input[name="item_id"]')) {
      box.checked = selectAll.checked;
    }
  });
}

// Deleting a corpus asks first.
const deleteForm = document.getElementById('delete-form');
if (deleteForm) {
  deleteForm.addEventListener('submit', (event) => {
    if (!window.confirm(deleteForm.dataset.confirm)) event.preventDefault();
  });
}
