// Release review screen: the reviewer walks through a document's findings with the keyboard
// (J/K move, Y accept, N reject), adds a missed identifier by selecting text and pressing A,
// and Enter saves every decision with the document marked reviewed, then opens the next one.
// Offsets sent to the API count code points, as Python does (not UTF-16 units).
import { errorMessage, postJSON } from './api-client.js';

const root = document.getElementById('release-review');
const labels = document.getElementById('review-labels')?.content.firstElementChild;
const errorBox = document.getElementById('review-error');

function rows() {
  return Array.from(root.querySelectorAll('tr.finding'));
}

function show(row) {
  const key = row.dataset.decision;
  row.querySelector('.decision').textContent = labels ? labels.dataset[key] : key;
  row.classList.toggle('is-rejected', key === 'reject');
}

function focusRow(step) {
  const all = rows();
  if (!all.length) return;
  const at = all.indexOf(document.activeElement);
  const next = all[(at + step + all.length) % all.length];
  next.focus();
}

function decide(accept) {
  const row = document.activeElement;
  if (!row || !row.classList.contains('finding') || row.classList.contains('added')) return;
  // Accepting a residual-scan finding redacts it too: it becomes an added span.
  const redact = row.classList.contains('residual') ? 'add' : 'accept';
  row.dataset.decision = accept ? redact : 'reject';
  show(row);
  focusRow(1);
}

function codePoints(text) {
  return Array.from(text).length;
}

function selectionSpan() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const offsetOf = (node, offset) => {
    const piece = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    if (!piece || !piece.dataset || piece.dataset.start === undefined) return null;
    return Number(piece.dataset.start) + codePoints(node.textContent.slice(0, offset));
  };
  const start = offsetOf(range.startContainer, range.startOffset);
  const end = offsetOf(range.endContainer, range.endOffset);
  return start === null || end === null || end <= start ? null : { start, end };
}

function addSelection() {
  const span = selectionSpan();
  if (!span) return;
  const row = document.createElement('tr');
  row.className = 'finding added';
  row.tabIndex = 0;
  Object.assign(row.dataset, {
    start: span.start, end: span.end, type: document.getElementById('review-type').value,
    decision: 'add',
  });
  const text = window.getSelection().toString();
  for (const value of [row.dataset.type, text, '—', '']) {
    const cell = document.createElement('td');
    cell.textContent = value;
    row.append(cell);
  }
  row.lastElementChild.className = 'decision';
  root.querySelector('#review-findings tbody').append(row);
  show(row);
  window.getSelection().removeAllRanges();
}

async function save() {
  const decisions = rows().map((row) => ({
    start: Number(row.dataset.start), end: Number(row.dataset.end),
    entity_type: row.dataset.type, decision: row.dataset.decision,
  }));
  const { status, body } = await postJSON(root.dataset.decisions, { decisions, done: true });
  if (status === 200) {
    window.location.assign(root.dataset.next);
    return;
  }
  errorBox.textContent = errorMessage(body, `HTTP ${status}`);
  errorBox.hidden = false;
}

if (root) {
  rows().forEach(show);
  document.getElementById('review-add').addEventListener('click', addSelection);
  document.getElementById('review-save').addEventListener('click', save);
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (event.target.tagName === 'SELECT' || event.target.tagName === 'BUTTON') return;
    const actions = {
      j: () => focusRow(1), k: () => focusRow(-1), y: () => decide(true),
      n: () => decide(false), a: addSelection, Enter: save,
    };
    const action = actions[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
}
