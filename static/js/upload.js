// Corpus upload with a progress bar. XMLHttpRequest because fetch() has no
// upload progress events.
import { csrfToken, errorMessage } from './csrf.js';

const form = document.getElementById('upload-form');
const strings = document.getElementById('upload-strings').dataset;
const button = document.getElementById('upload-button');
const progress = document.getElementById('upload-progress');
const bar = document.getElementById('upload-bar');
const percent = document.getElementById('upload-percent');
const message = document.getElementById('upload-message');
const nameInput = document.getElementById('corpus-name');
const fileInput = document.getElementById('corpus-file');

function show(text, kind) {
  message.textContent = text;
  message.className = `flash flash-${kind}`;
  message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  message.hidden = false;
}

function fail(text) {
  show(text, 'error');
  progress.hidden = true;
  button.disabled = false;
}

function setPercent(value) {
  bar.value = value;
  percent.textContent = `${value}%`;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (button.disabled) return;
  message.hidden = true;
  const file = fileInput.files[0];
  if (!file) return fail(strings.noFile);
  if (!form.reportValidity()) return;
  // MAX_CONTENT_LENGTH may be unset ("None"); then only the server decides.
  const maxBytes = Number(form.dataset.maxBytes);
  if (Number.isFinite(maxBytes) && maxBytes > 0 && file.size > maxBytes) {
    return fail(strings.tooLarge);
  }

  const data = new FormData();
  data.append('name', nameInput.value.trim());
  data.append('file', file);

  const xhr = new XMLHttpRequest();
  xhr.open('POST', form.dataset.api);
  xhr.setRequestHeader('X-CSRFToken', csrfToken());
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable) setPercent(Math.floor((e.loaded / e.total) * 100));
  };
  xhr.onload = () => {
    let body = null;
    try {
      body = JSON.parse(xhr.responseText);
    } catch {
      // an HTML error page from a proxy: fall through to the generic message
    }
    if (xhr.status === 201 && body && body.id != null) {
      setPercent(100);
      show(strings.done, 'info');
      window.location.assign(form.dataset.show.replace(/\/0$/, `/${encodeURIComponent(body.id)}`));
      return;
    }
    fail(errorMessage(body, xhr.status === 413 ? strings.tooLarge : strings.network));
  };
  xhr.onerror = () => fail(strings.network);
  xhr.onabort = () => fail(strings.network);

  button.disabled = true;
  setPercent(0);
  progress.hidden = false;
  xhr.send(data);
});
