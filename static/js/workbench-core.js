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

/**
 * The translated strings the template put on <template id="wb-strings">, for core and the
 * task types; copied in when the workbench starts.
 */
export const strings = {};

/** The page's elements the loop works with, looked up when the workbench starts. */
function findPage() {
  const byId = (id) => document.getElementById(id);
  return {
    root: byId('workbench'),
    submitButton: byId('submit-button'),
    skipButton: byId('skip-button'),
    doneCount: byId('done-count'),
    message: byId('wb-message'),
    taskArea: byId('wb-task'),
    goldBox: byId('wb-gold'),
    help: byId('wb-shortcuts'),
    helpButton: byId('shortcuts-button'),
    skip: { dialog: byId('skip-dialog'), otherForm: byId('skip-other'), note: byId('skip-note') },
    strings: byId('wb-strings').dataset,
  };
}

/** One page's loop: its elements, its task type's part and where the expert stands. */
class Workbench {
  constructor(page, kind) {
    this.page = page;
    this.kind = kind; // the task type's part, see startWorkbench
    this.drafts = projectDrafts(page.root.dataset.project);
    this.skipDialog = skipDialog(page.skip, (reason, note) => this.skip(reason, note));
    this.taskId = null; // the task on screen
    this.clientUuid = null;
    this.sentAs = null; // JSON of the result that went to the server with clientUuid
    this.busy = false; // a claim, submit or skip is in flight
    this.needsClaim = false; // lease lost or claim failed: the next submit claims first
    this.finished = false; // no task left, or the server stopped us
    this.messageKind = null;
  }

  show(text, tone) {
    const { message } = this.page;
    message.textContent = text;
    message.className = `flash flash-${tone}`;
    message.setAttribute('role', tone === 'error' ? 'alert' : 'status');
    message.hidden = false;
    this.messageKind = tone;
  }

  hideMessage(tone) {
    if (!tone || this.messageKind === tone) {
      this.page.message.hidden = true;
      this.messageKind = null;
    }
  }

  saveDraft() {
    if (this.taskId === null) return;
    const { clientUuid, sentAs } = this;
    this.drafts.save(this.taskId, { state: this.kind.state(), clientUuid, sentAs });
  }

  /** The API address `name` on the page (written for task 0) made for the task on screen. */
  taskUrl(name, tail) {
    const url = this.page.root.dataset[name];
    return url.replace(new RegExp(`/0/${tail}$`), `/${this.taskId}/${tail}`);
  }

  canSubmit() {
    return !this.busy && !this.finished
      && (this.needsClaim || (this.taskId !== null && this.kind.result() !== null));
  }

  refresh() {
    const { submitButton, skipButton, root } = this.page;
    submitButton.disabled = !this.canSubmit();
    skipButton.disabled = this.busy || this.finished || this.taskId === null || this.needsClaim;
    root.setAttribute('aria-busy', String(this.busy));
  }

  /** The answer on screen changed: keep the draft and decide which client_uuid it gets. */
  changed() {
    if (this.taskId === null) return;
    // The same answer keeps its uuid so a retry is recognised. A different answer after
    // a send gets a fresh uuid, so the server reports an answer that already landed
    // instead of silently returning the old one as if it were new.
    const result = this.kind.result();
    if (this.clientUuid === null
        || (this.sentAs !== null && JSON.stringify(result) !== this.sentAs)) {
      this.clientUuid = newUuid();
      this.sentAs = null;
    }
    this.saveDraft();
    this.hideMessage('info');
    this.refresh();
  }

  render(claimed) {
    this.taskId = claimed.task_id;
    this.kind.render(claimed.item || {});
    const resumed = this.drafts.resume(this.taskId, (state) => this.kind.restore(state));
    // Another tool's answer comes pre-filled (the expert corrects it); a draft wins over it.
    const pre = claimed.item && claimed.item.preannotation;
    if (!resumed && pre) this.kind.restore(pre);
    this.clientUuid = resumed ? resumed.clientUuid : null;
    this.sentAs = resumed ? resumed.sentAs : null;
    this.hideMessage('error');
    if (this.kind.focus) this.kind.focus();
  }

  stop(text, tone) {
    this.finished = true;
    this.taskId = null;
    this.kind.hide();
    this.page.taskArea.hidden = true;
    this.show(text, tone);
  }

  async claim({ resubmit = false } = {}) {
    this.busy = true;
    this.refresh();
    let response;
    try {
      response = await postJSON(this.page.root.dataset.claim, {});
    } catch {
      response = null;
    }
    this.busy = false;
    if (response && response.status === 204) {
      this.needsClaim = false;
      this.drafts.clear();
      this.stop(strings.noneLeft, 'info');
      const next = document.getElementById('wb-next');
      if (next) next.hidden = false;
    } else if (response && response.status === 200 && response.body) {
      this.needsClaim = false;
      const previous = this.taskId;
      this.render(response.body);
      if (resubmit && this.taskId === previous && this.kind.result() !== null) {
        this.submit();
        return;
      }
    } else if (response && response.status === 403) {
      // Paused by check items, or the daily cap: only the server knows when it ends.
      this.stop(errorMessage(response.body, strings.error), 'error');
    } else {
      this.needsClaim = true;
      this.show(response ? errorMessage(response.body, strings.error) : strings.error, 'error');
    }
    this.refresh();
  }

  showGold(gold) {
    const { goldBox } = this.page;
    goldBox.hidden = !gold;
    if (!gold) return;
    goldBox.className = `gold-feedback ${gold.passed ? 'gold-pass' : 'gold-fail'}`;
    goldBox.replaceChildren();
    const verdict = document.createElement('strong');
    verdict.textContent = gold.passed ? strings.goldPassed : strings.goldFailed;
    goldBox.append(verdict);
    const expected = this.kind.expected && gold.expected ? this.kind.expected(gold.expected) : '';
    if (expected && !gold.passed) {
      const line = document.createElement('span');
      line.className = 'gold-expected';
      // A full-width colon (正确答案：) brings its own space; an ASCII one needs one.
      const gap = strings.goldExpected.endsWith('：') ? '' : ' ';
      line.textContent = `${strings.goldExpected}${gap}${expected}`;
      goldBox.append(line);
    }
  }

  submitted(response) {
    const { doneCount } = this.page;
    this.drafts.clear();
    doneCount.textContent = String((parseInt(doneCount.textContent, 10) || 0) + 1);
    this.show(strings.saved, 'info');
    this.showGold(response.body && response.body.gold);
    this.taskId = null;
    this.claim();
  }

  refused(response) {
    const code = response.body && response.body.error && response.body.error.code;
    if (response.status === 409 && code === 'already_submitted') {
      this.drafts.clear();
      this.show(errorMessage(response.body, strings.error), 'info');
      this.taskId = null;
      this.claim();
      return;
    }
    if (response.status === 409) {
      this.needsClaim = true; // lease_expired: the draft stays, the next submit claims again
      this.show(strings.expired, 'error');
    } else {
      if (response.status === 404) this.needsClaim = true; // the lease went to someone else
      this.show(errorMessage(response.body, strings.error), 'error');
    }
    this.refresh();
  }

  async submit() {
    if (!this.canSubmit()) return;
    if (this.needsClaim) {
      this.claim({ resubmit: true });
      return;
    }
    const result = this.kind.result();
    if (this.clientUuid === null) this.clientUuid = newUuid();
    this.busy = true;
    this.sentAs = JSON.stringify(result);
    this.saveDraft();
    this.refresh();
    const url = this.taskUrl('submit', 'annotations');
    let response;
    try {
      response = await postJSON(url, { result, client_uuid: this.clientUuid });
    } catch {
      this.busy = false;
      // The draft stays; submitting again retries with the same uuid.
      this.show(strings.error, 'error');
      this.refresh();
      return;
    }
    this.busy = false;
    if (response.status === 201) this.submitted(response);
    else this.refused(response);
  }

  openSkip() {
    if (!this.page.skipButton.disabled) this.skipDialog.open();
  }

  async skip(reason, note) {
    if (this.taskId === null || this.busy) return;
    this.busy = true;
    this.refresh();
    const url = this.taskUrl('skip', 'skip');
    let response;
    try {
      response = await postJSON(url, note ? { reason, note } : { reason });
    } catch {
      this.busy = false;
      this.show(strings.error, 'error');
      this.refresh();
      return;
    }
    this.busy = false;
    this.drafts.clear();
    this.taskId = null;
    if (response.status === 204) this.show(strings.skipped, 'info');
    else this.show(errorMessage(response.body, strings.error), 'error');
    this.page.goldBox.hidden = true;
    this.claim();
  }

  toggleHelp(open = this.page.help.hidden) {
    this.page.help.hidden = !open;
    this.page.helpButton.setAttribute('aria-expanded', String(open));
  }

  enterSubmits(event) {
    if (event.key !== 'Enter' || event.shiftKey || event.altKey) return false;
    const ctrl = event.ctrlKey || event.metaKey;
    if (this.kind.submitWithCtrl) return ctrl;
    if (ctrl || isTyping(event.target)) return false;
    // Enter keeps its own meaning on links, <summary> and the page's other controls.
    const target = event.target;
    return target === document.body || target === document.documentElement
      || (this.page.root.contains(target) && !target.closest('a, summary, dialog'));
  }

  onKey(event) {
    if (event.defaultPrevented || event.isComposing || this.skipDialog.isOpen()) return;
    if (this.enterSubmits(event)) {
      event.preventDefault(); // otherwise a focused button would also get a click
      if (!event.repeat) this.submit();
      return;
    }
    const plain = !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target);
    if (plain && event.key === '?') {
      event.preventDefault();
      this.toggleHelp();
    } else if (plain && event.key === 'Escape' && !this.page.help.hidden) {
      this.toggleHelp(false);
    } else if (plain && this.kind.skipKey && (event.key === 's' || event.key === 'S')) {
      event.preventDefault();
      this.openSkip();
    } else if (!this.finished && this.taskId !== null && !this.busy && this.kind.onKey(event)) {
      event.preventDefault();
    }
  }

  listen() {
    this.page.submitButton.addEventListener('click', () => this.submit());
    this.page.skipButton.addEventListener('click', () => this.openSkip());
    this.page.helpButton.addEventListener('click', () => this.toggleHelp());
    document.addEventListener('keydown', (event) => this.onKey(event));
  }

  startHeartbeat() {
    // While a task is on screen the lease is renewed, so a slow, careful expert never
    // loses the task to the pool; a failed renewal shows up at submit (409).
    window.setInterval(() => {
      if (this.taskId === null || this.busy || this.finished || this.needsClaim) return;
      const url = this.taskUrl('heartbeat', 'heartbeat');
      postJSON(url, {}).catch(() => { /* the next submit reports the problem */ });
    }, HEARTBEAT_MS);
  }
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
  const page = findPage();
  Object.assign(strings, page.strings);
  const workbench = new Workbench(page, taskKind);
  workbench.listen();
  workbench.startHeartbeat();
  workbench.refresh();
  workbench.claim();
  return {
    changed: () => workbench.changed(),
    show: (text, tone) => workbench.show(text, tone),
    hideMessage: (tone) => workbench.hideMessage(tone),
    /** A task is on screen and may be edited. */
    active: () => workbench.taskId !== null && !workbench.busy && !workbench.finished,
    task: () => workbench.taskId,
    leaseLost() {
      workbench.needsClaim = true;
      workbench.refresh();
    },
  };
}
