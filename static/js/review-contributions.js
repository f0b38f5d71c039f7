// Reviewing collected contributions from the keyboard: A accepts, R opens the reason box
// (Enter rejects with the reason, Shift+Enter breaks the line, Esc closes it), J or → opens
// the next waiting contribution, K or ← the previous one. The forms post to the page's
// routes, so the page works the same without this script.
const form = document.getElementById('decision-form');
const accept = document.getElementById('accept-button');
const rejectOpen = document.getElementById('reject-open');
const rejectBox = document.getElementById('reject-box');
const reason = document.getElementById('reject-reason');
const reject = document.getElementById('reject-button');
const next = document.getElementById('contribution-next');
const previous = document.getElementById('contribution-previous');

function openReject() {
  rejectBox.hidden = false;
  rejectOpen.setAttribute('aria-expanded', 'true');
  reason.focus();
}

function closeReject() {
  rejectBox.hidden = true;
  rejectOpen.setAttribute('aria-expanded', 'false');
  rejectOpen.focus();
}

let sent = false;
function send(button) {
  if (sent) return; // one decision per page: a held key does not post twice
  sent = true;
  form.requestSubmit(button);
}

if (form) {
  rejectOpen.addEventListener('click', openReject);
  reason.addEventListener('keydown', (event) => {
    if (event.isComposing) return; // Enter that picks a Chinese IME candidate
    if (event.key === 'Escape') {
      event.preventDefault();
      closeReject();
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      if (reason.value.trim()) {
        send(reject);
      } else {
        reason.setCustomValidity(reason.dataset.required);
        reason.reportValidity();
      }
    }
  });
  reason.addEventListener('input', () => reason.setCustomValidity(''));
  reject.addEventListener('click', (event) => {
    if (!reason.value.trim()) {
      event.preventDefault();
      reason.setCustomValidity(reason.dataset.required);
      reason.reportValidity();
    }
  });
}

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
  if (event.target.closest?.('input, textarea, select')) return;
  const key = event.key.toLowerCase();
  if (form && key === 'a') {
    event.preventDefault();
    send(accept);
  } else if (form && key === 'r') {
    event.preventDefault();
    openReject();
  } else if ((key === 'j' || key === 'arrowright') && next) {
    event.preventDefault();
    window.location.assign(next.href);
  } else if ((key === 'k' || key === 'arrowleft') && previous) {
    event.preventDefault();
    window.location.assign(previous.href);
  }
});
