// The mapping step of a table upload: the chosen text, id, label and kept columns go to the API;
// once accepted the page reloads and shows the ingestion's progress.
import { errorMessage, postJSON } from './api-client.js';

const form = document.getElementById('mapping-form');
const strings = document.getElementById('mapping-strings').dataset;
const text = document.getElementById('mapping-text');
const id = document.getElementById('mapping-id');
const label = document.getElementById('mapping-label');
const separator = document.getElementById('mapping-label-separator');
const sheet = document.getElementById('mapping-sheet');
const message = document.getElementById('mapping-message');
const button = document.getElementById('mapping-button');
const boxes = [...form.querySelectorAll('input[name="meta"]')];

// The text, id and label columns are not metadata: their boxes are unticked and disabled.
function syncBoxes() {
  for (const box of boxes) {
    const taken = box.value === text.value || box.value === id.value || box.value === label.value;
    if (taken) box.checked = false;
    else if (box.disabled) box.checked = true;
    box.disabled = taken;
  }
}

function fail(text) {
  message.textContent = text;
  message.hidden = false;
  button.disabled = false;
}

function mapping() {
  const free = boxes.filter((box) => !box.disabled);
  const kept = free.filter((box) => box.checked).map((box) => box.value);
  return {
    text: text.value,
    id: id.value || null,
    // Every other column kept: null, so that JSON records keep fields the preview missed.
    meta: kept.length === free.length ? null : kept,
    sheet: form.dataset.sheet || null,
    label: label.value || null,
    label_separator: (label.value && separator.value.trim()) ? separator.value : null,
  };
}

text.addEventListener('change', () => {
  message.hidden = true;
  syncBoxes();
});
id.addEventListener('change', syncBoxes);
label.addEventListener('change', syncBoxes);
if (sheet) {
  sheet.addEventListener('change', () => {
    const url = new URL(sheet.dataset.url, window.location.href);
    url.searchParams.set('sheet', sheet.value);
    window.location.assign(url.toString());
  });
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (button.disabled) return;
  message.hidden = true;
  if (!text.value) {
    fail(strings.noText);
    text.focus();
    return;
  }
  button.disabled = true;
  try {
    const { status, body } = await postJSON(form.dataset.api, mapping());
    if (status === 200) {
      window.location.reload();
      return;
    }
    fail(errorMessage(body, strings.network));
  } catch {
    fail(strings.network);
  }
});

syncBoxes();
