// Annotation workbench: claim a task, choose a label, submit, repeat.
//
// The server leases one task per expert and project and answers a repeated
// client_uuid with the first answer, so a retry after a lost response can never
// store two answers. The draft in localStorage lets a reload (or a lease that
// expired while the expert was away) come back to the same choice.
import { errorMessage, postJSON } from './csrf.js';

const root = document.getElementById('workbench');
const strings = document.getElementById('wb-strings').dataset;
const itemText = document.getElementById('item-text');
const labelsBox = document.getElementById('labels');
const buttons = Array.from(labelsBox.querySelectorAll('.label-button'));
const submitButton = document.getElementById('submit-button');
const doneCount = document.getElementById('done-count');
const message = document.getElementById('wb-message');
const draftKey = `wanbiao-draft-${root.dataset.project}`;

let taskId = null; // the task on screen
let chosen = null; // its chosen label
let clientUuid = null;
let sent = false; // clientUuid has gone to the server at least once
let busy = false; // a claim or submit is in flight
let needsClaim = false; // lease lost or claim failed: the next submit claims first
let finished = false; // no task left
let messageKind = null;

function newUuid() {
  // randomUUID exists only in secure contexts (HTTPS, localhost).
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// localStorage throws when storage is disabled (e.g. some private modes); the
// workbench still works, only without drafts.
function loadDraft() {
  try {
    const draft = JSON.parse(window.localStorage.getItem(draftKey));
    return draft && typeof draft === 'object' ? draft : null;
  } catch {
    return null;
  }
}

function saveDraft() {
  try {
    window.localStorage.setItem(draftKey, JSON.stringify(
      { task_id: taskId, label: chosen, client_uuid: clientUuid, sent }));
  } catch { /* no drafts */ }
}

function clearDraft() {
  try {
    window.localStorage.removeItem(draftKey);
  } catch { /* no drafts */ }
}

function show(text, kind) {
  message.textContent = text;
  message.className = `flash flash-${kind}`;
  message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  message.hidden = false;
  messageKind = kind;
}

function hideMessage(kind) {
  if (!kind || messageKind === kind) {
    message.hidden = true;
    messageKind = null;
  }
}

function canSubmit() {
  return !busy && !finished && (needsClaim || (taskId !== null && chosen !== null));
}

function refresh() {
  for (const button of buttons) {
    button.setAttribute('aria-checked', String(chosen !== null && button.dataset.label === chosen));
  }
  submitButton.disabled = !canSubmit();
  root.setAttribute('aria-busy', String(busy));
}

function choose(label) {
  if (busy || finished || taskId === null) return;
  // Same task and label: keep the uuid so a retry is recognised. A different
  // label after a send gets a fresh uuid, so the server reports an answer that
  // already landed instead of silently returning the old one as if it were new.
  if (clientUuid === null || (sent && label !== chosen)) {
    clientUuid = newUuid();
    sent = false;
  }
  chosen = label;
  saveDraft();
  hideMessage('info');
  refresh();
}

function render(claim) {
  taskId = claim.task_id;
  itemText.textContent = claim.item && typeof claim.item.text === 'string' ? claim.item.text : '';
  itemText.scrollTop = 0;
  const draft = loadDraft();
  const known = draft && buttons.some((b) => b.dataset.label === draft.label);
  if (draft && draft.task_id === taskId && known && typeof draft.client_uuid === 'string') {
    chosen = draft.label;
    clientUuid = draft.client_uuid;
    sent = Boolean(draft.sent);
  } else {
    if (draft) clearDraft(); // a draft for a task no longer leased to us
    chosen = null;
    clientUuid = null;
    sent = false;
  }
  hideMessage('error');
}

function noneLeft() {
  finished = true;
  taskId = null;
  chosen = null;
  clearDraft();
  itemText.hidden = true;
  labelsBox.hidden = true;
  show(strings.noneLeft, 'info');
}

async function claim({ resubmit = false } = {}) {
  busy = true;
  refresh();
  let response;
  try {
    response = await postJSON(root.dataset.claim, {});
  } catch {
    response = null;
  }
  busy = false;
  if (response && response.status === 204) {
    needsClaim = false;
    noneLeft();
  } else if (response && response.status === 200 && response.body) {
    needsClaim = false;
    const previous = taskId;
    render(response.body);
    if (resubmit && chosen !== null && taskId === previous) {
      submit();
      return;
    }
  } else {
    needsClaim = true;
    show(response ? errorMessage(response.body, strings.error) : strings.error, 'error');
  }
  refresh();
}

async function submit() {
  if (!canSubmit()) return;
  if (needsClaim) {
    claim({ resubmit: true });
    return;
  }
  busy = true;
  sent = true;
  saveDraft();
  refresh();
  const url = root.dataset.submit.replace(/\/0\/annotations$/, `/${taskId}/annotations`);
  let response;
  try {
    response = await postJSON(url, { result: { label: chosen }, client_uuid: clientUuid });
  } catch {
    busy = false;
    show(strings.error, 'error'); // the draft stays; Enter retries with the same uuid
    refresh();
    return;
  }
  busy = false;
  const code = response.body && response.body.error && response.body.error.code;
  if (response.status === 201) {
    clearDraft();
    doneCount.textContent = String((parseInt(doneCount.textContent, 10) || 0) + 1);
    show(strings.saved, 'info');
    taskId = null;
    chosen = null;
    claim();
    return;
  }
  if (response.status === 409 && code === 'already_submitted') {
    clearDraft();
    show(errorMessage(response.body, strings.error), 'info');
    claim();
    return;
  }
  if (response.status === 409) {
    needsClaim = true;
    show(strings.expired, 'error');
  } else {
    if (response.status === 404) needsClaim = true; // the lease went to someone else
    show(errorMessage(response.body, strings.error), 'error');
  }
  refresh();
}

function isTyping(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || target.closest('input, textarea, select') !== null);
}

labelsBox.addEventListener('click', (event) => {
  const button = event.target.closest('.label-button');
  if (button) choose(button.dataset.label);
});

submitButton.addEventListener('click', () => submit());

document.addEventListener('keydown', (event) => {
  if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
  if (isTyping(event.target)) return;
  if (event.key === 'Enter') {
    const target = event.target;
    // Enter keeps its own meaning on links, <summary> and the page's other controls.
    const ours = target === document.body || target === document.documentElement
      || (root.contains(target) && !target.closest('a, summary'));
    if (!ours || !canSubmit()) return;
    event.preventDefault(); // otherwise a focused button would also get a click
    if (!event.repeat) submit();
    return;
  }
  if (/^[1-9]$/.test(event.key) && !labelsBox.hidden) {
    const button = buttons.find((b) => b.dataset.key === event.key);
    if (button) {
      event.preventDefault();
      choose(button.dataset.label);
    }
  }
});

// While a task is on screen the lease is renewed, so a slow, careful expert
// never loses the task to the pool; a failed renewal shows up at submit (409).
const HEARTBEAT_MS = 60 * 1000;
window.setInterval(() => {
  if (taskId === null || busy || finished || needsClaim) return;
  const url = root.dataset.heartbeat.replace(/\/0\/heartbeat$/, `/${taskId}/heartbeat`);
  postJSON(url, {}).catch(() => { /* the next submit reports the problem */ });
}, HEARTBEAT_MS);

refresh();
claim();
