// The loop every workbench shares: claim a task, let the expert answer, submit, repeat.
//
// A task type plugs in a "kind" object (see startWorkbench). The server leases one task
// per expert and project and answers a repeated client_uuid with the first answer, so a
// retry after a lost response can never store two answers. The draft (workbench-drafts.js)
// lets a reload (or a lease that expired while the expert was away) come back to the
// same answer.
import { errorMessage, postJSON } from './api-client.js';
import { projectDrafts } from './workbench-drafts.js';
import { isTyping } from './workbench-keys.js';
import { skipDialog } from './workbench-skip-dialog.js';

export { isTyping };

const HEARTBEAT_MS = 60 * 1000;

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

/** The translated strings the template put on <template id="wb-strings">. */
export const strings = document.getElementById('wb-strings').dataset;

const root = document.getElementById('workbench');
const submitButton = document.getElementById('submit-button');
const skipButton = document.getElementById('skip-button');
const doneCount = document.getElementById('done-count');
const message = document.getElementById('wb-message');
const taskArea = document.getElementById('wb-task');
const goldBox = document.getElementById('wb-gold');
const help = document.getElementById('wb-shortcuts');
const helpButton = document.getElementById('shortcuts-button');
const skipElements = {
  dialog: document.getElementById('skip-dialog'),
  otherForm: document.getElementById('skip-other'),
  note: document.getElementById('skip-note'),
};
const drafts = projectDrafts(root.dataset.project);

let kind = null; // the task type's part, see startWorkbench
let taskId = null; // the task on screen
let clientUuid = null;
let sentAs = null; // JSON of the result that went to the server with clientUuid
let busy = false; // a claim, submit or skip is in flight
let needsClaim = false; // lease lost or claim failed: the next submit claims first
let finished = false; // no task left, or the server stopped us
let messageKind = null;
let skipper = null; // the skip dialog, see listen

function show(text, tone) {
  message.textContent = text;
  message.className = `flash flash-${tone}`;
  message.setAttribute('role', tone === 'error' ? 'alert' : 'status');
  message.hidden = false;
  messageKind = tone;
}

function hideMessage(tone) {
  if (!tone || messageKind === tone) {
    message.hidden = true;
    messageKind = null;
  }
}

function saveDraft() {
  if (taskId === null) return;
  drafts.save(taskId, { state: kind.state(), clientUuid, sentAs });
}

function canSubmit() {
  return !busy && !finished && (needsClaim || (taskId !== null && kind.result() !== null));
}

function refresh() {
  submitButton.disabled = !canSubmit();
  skipButton.disabled = busy || finished || taskId === null || needsClaim;
  root.setAttribute('aria-busy', String(busy));
}

/** The answer on screen changed: keep the draft and decide which client_uuid it gets. */
function changed() {
  if (taskId === null) return;
  // The same answer keeps its uuid so a retry is recognised. A different answer after
  // a send gets a fresh uuid, so the server reports an answer that already landed
  // instead of silently returning the old one as if it were new.
  const result = kind.result();
  if (clientUuid === null || (sentAs !== null && JSON.stringify(result) !== sentAs)) {
    clientUuid = newUuid();
    sentAs = null;
  }
  saveDraft();
  hideMessage('info');
  refresh();
}

function render(claimed) {
  taskId = claimed.task_id;
  kind.render(claimed.item || {});
  const resumed = drafts.resume(taskId, (state) => kind.restore(state));
  clientUuid = resumed ? resumed.clientUuid : null;
  sentAs = resumed ? resumed.sentAs : null;
  hideMessage('error');
  if (kind.focus) kind.focus();
}

function stop(text, tone) {
  finished = true;
  taskId = null;
  kind.hide();
  taskArea.hidden = true;
  show(text, tone);
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
    drafts.clear();
    stop(strings.noneLeft, 'info');
  } else if (response && response.status === 200 && response.body) {
    needsClaim = false;
    const previous = taskId;
    render(response.body);
    if (resubmit && taskId === previous && kind.result() !== null) {
      submit();
      return;
    }
  } else if (response && response.status === 403) {
    // Paused by check items, or the daily cap: only the server knows when it ends.
    stop(errorMessage(response.body, strings.error), 'error');
  } else {
    needsClaim = true;
    show(response ? errorMessage(response.body, strings.error) : strings.error, 'error');
  }
  refresh();
}

function showGold(gold) {
  goldBox.hidden = !gold;
  if (!gold) return;
  goldBox.className = `gold-feedback ${gold.passed ? 'gold-pass' : 'gold-fail'}`;
  goldBox.replaceChildren();
  const verdict = document.createElement('strong');
  verdict.textContent = gold.passed ? strings.goldPassed : strings.goldFailed;
  goldBox.append(verdict);
  const expected = kind.expected && gold.expected ? kind.expected(gold.expected) : '';
  if (expected && !gold.passed) {
    const line = document.createElement('span');
    line.className = 'gold-expected';
    // A full-width colon (正确答案：) brings its own space; an ASCII one needs one.
    const gap = strings.goldExpected.endsWith('：') ? '' : ' ';
    line.textContent = `${strings.goldExpected}${gap}${expected}`;
    goldBox.append(line);
  }
}

function submitted(response) {
  drafts.clear();
  doneCount.textContent = String((parseInt(doneCount.textContent, 10) || 0) + 1);
  show(strings.saved, 'info');
  showGold(response.body && response.body.gold);
  taskId = null;
  claim();
}

function refused(response) {
  const code = response.body && response.body.error && response.body.error.code;
  if (response.status === 409 && code === 'already_submitted') {
    drafts.clear();
    show(errorMessage(response.body, strings.error), 'info');
    taskId = null;
    claim();
    return;
  }
  if (response.status === 409) {
    needsClaim = true; // lease_expired: the draft stays, the next submit claims again
    show(strings.expired, 'error');
  } else {
    if (response.status === 404) needsClaim = true; // the lease went to someone else
    show(errorMessage(response.body, strings.error), 'error');
  }
  refresh();
}

async function submit() {
  if (!canSubmit()) return;
  if (needsClaim) {
    claim({ resubmit: true });
    return;
  }
  const result = kind.result();
  if (clientUuid === null) clientUuid = newUuid();
  busy = true;
  sentAs = JSON.stringify(result);
  saveDraft();
  refresh();
  const url = root.dataset.submit.replace(/\/0\/annotations$/, `/${taskId}/annotations`);
  let response;
  try {
    response = await postJSON(url, { result, client_uuid: clientUuid });
  } catch {
    busy = false;
    show(strings.error, 'error'); // the draft stays; submitting again retries with the same uuid
    refresh();
    return;
  }
  busy = false;
  if (response.status === 201) submitted(response);
  else refused(response);
}

function openSkip() {
  if (!skipButton.disabled) skipper.open();
}

async function skip(reason, note) {
  if (taskId === null || busy) return;
  busy = true;
  refresh();
  const url = root.dataset.skip.replace(/\/0\/skip$/, `/${taskId}/skip`);
  let response;
  try {
    response = await postJSON(url, note ? { reason, note } : { reason });
  } catch {
    busy = false;
    show(strings.error, 'error');
    refresh();
    return;
  }
  busy = false;
  drafts.clear();
  taskId = null;
  if (response.status === 204) show(strings.skipped, 'info');
  else show(errorMessage(response.body, strings.error), 'error');
  goldBox.hidden = true;
  claim();
}

function toggleHelp(open = help.hidden) {
  help.hidden = !open;
  helpButton.setAttribute('aria-expanded', String(open));
}

function enterSubmits(event) {
  if (event.key !== 'Enter' || event.shiftKey || event.altKey) return false;
  const ctrl = event.ctrlKey || event.metaKey;
  if (kind.submitWithCtrl) return ctrl;
  if (ctrl || isTyping(event.target)) return false;
  // Enter keeps its own meaning on links, <summary> and the page's other controls.
  const target = event.target;
  return target === document.body || target === document.documentElement
    || (root.contains(target) && !target.closest('a, summary, dialog'));
}

function onKey(event) {
  if (event.defaultPrevented || event.isComposing || skipper.isOpen()) return;
  if (enterSubmits(event)) {
    event.preventDefault(); // otherwise a focused button would also get a click
    if (!event.repeat) submit();
    return;
  }
  const plain = !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target);
  if (plain && event.key === '?') {
    event.preventDefault();
    toggleHelp();
  } else if (plain && event.key === 'Escape' && !help.hidden) {
    toggleHelp(false);
  } else if (plain && kind.skipKey && (event.key === 's' || event.key === 'S')) {
    event.preventDefault();
    openSkip();
  } else if (!finished && taskId !== null && !busy && kind.onKey(event)) {
    event.preventDefault();
  }
}

function listen() {
  submitButton.addEventListener('click', () => submit());
  skipButton.addEventListener('click', () => openSkip());
  helpButton.addEventListener('click', () => toggleHelp());
  skipper = skipDialog(skipElements, skip);
  document.addEventListener('keydown', onKey);
}

function startHeartbeat() {
  // While a task is on screen the lease is renewed, so a slow, careful expert never
  // loses the task to the pool; a failed renewal shows up at submit (409).
  window.setInterval(() => {
    if (taskId === null || busy || finished || needsClaim) return;
    const url = root.dataset.heartbeat.replace(/\/0\/heartbeat$/, `/${taskId}/heartbeat`);
    postJSON(url, {}).catch(() => { /* the next submit reports the problem */ });
  }, HEARTBEAT_MS);
}

/**
 * Start the workbench for one task type. `taskKind` provides:
 *   render(item)        show a freshly claimed item (fresh, empty answer)
 *   restore(state)      apply a draft's state to the item on screen; false if it does not fit
 *   state()             the draft state to keep (plain JSON)
 *   result()            the answer to submit, or null while there is none
 *   hide()              no task on screen any more (none left, or stopped)
 *   onKey(event)        type-specific keys; return true when handled
 *   focus()             put the keyboard focus where work starts (optional)
 *   expected(answer)    a short text for a gold item's expected answer, or '' (optional)
 *   submitWithCtrl      Enter types (a textarea), Ctrl+Enter submits
 *   skipKey             the S key opens the skip dialog
 * Returns {changed, show, hideMessage, active, task, leaseLost}: the kind calls changed()
 * after every edit; task() is the id of the task on screen; leaseLost() makes the next
 * submit claim the task again (an upload answered that the lease is gone).
 */
export function startWorkbench(taskKind) {
  kind = taskKind;
  listen();
  startHeartbeat();
  refresh();
  claim();
  return {
    changed,
    show,
    hideMessage,
    /** A task is on screen and may be edited. */
    active: () => taskId !== null && !busy && !finished,
    task: () => taskId,
    leaseLost() {
      needsClaim = true;
      refresh();
    },
  };
}
