// The skip dialog: the expert says why a task is skipped by clicking a reason or pressing
// its digit; "other" asks for the expert's own words first. The server stores the
// reason's code ("other" with the words), never the label on screen.
import { isTyping } from './workbench-keys.js';

/**
 * Wire the dialog of the page. `elements` are the <dialog> (its reasons carry data-reason
 * and data-key), the "other" form and its note input. `onSkip(reason, note)` runs once the
 * dialog has closed with a reason; note is '' unless the reason is "other".
 * Returns {open, isOpen}: open() shows the dialog, focus on the first reason; when it
 * closes, the focus goes back to where it was.
 */
export function skipDialog({ dialog, otherForm, note }, onSkip) {
  let focusBefore = null;

  function open() {
    if (dialog.open) return;
    focusBefore = document.activeElement;
    otherForm.hidden = true;
    note.value = '';
    dialog.showModal();
    const first = dialog.querySelector('[data-reason]');
    if (first) first.focus();
  }

  function skip(reason, words = '') {
    dialog.close();
    onSkip(reason, words);
  }

  function choose(reason) {
    if (reason !== 'other') {
      skip(reason);
      return;
    }
    otherForm.hidden = false; // "other" needs the expert's own words
    note.focus();
  }

  dialog.addEventListener('keydown', (event) => {
    if (isTyping(event.target) || !/^[1-9]$/.test(event.key)) return;
    const choice = dialog.querySelector(`[data-reason][data-key="${event.key}"]`);
    if (choice) {
      event.preventDefault();
      choose(choice.dataset.reason);
    }
  });
  dialog.addEventListener('click', (event) => {
    const choice = event.target.closest('[data-reason]');
    if (choice) choose(choice.dataset.reason);
    else if (event.target.closest('[data-cancel]') || event.target === dialog) dialog.close();
  });
  otherForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (note.value.trim()) skip('other', note.value.trim());
    else otherForm.reportValidity();
  });
  dialog.addEventListener('close', () => {
    if (focusBefore && document.contains(focusBefore)) focusBefore.focus({ preventScroll: true });
    focusBefore = null;
  });
  return { open, isOpen: () => dialog.open };
}
