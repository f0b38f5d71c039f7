// Corpus upload with a progress bar.
import { errorMessage } from './api-client.js';
import { percentDisplay, uploadRequest } from './upload-progress.js';

const form = document.getElementById('upload-form');
const strings = document.getElementById('upload-strings').dataset;
const button = document.getElementById('upload-button');
const progress = document.getElementById('upload-progress');
const bar = document.getElementById('upload-bar');
const percent = document.getElementById('upload-percent');
const message = document.getElementById('upload-message');
const nameInput = document.getElementById('corpus-name');
const fileInput = document.getElementById('corpus-file');
const setPercent = percentDisplay(bar, percent);

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

  const request = uploadRequest(form.dataset.api, {
    onProgress: setPercent,
    onDone(status, body) {
      if (status === 201 && body && body.id != null) {
        setPercent(100);
        const found = body.format_title ? ` ${strings.detected.replace('{format}', body.format_title)}` : '';
        show(`${strings.done}${found}`, 'info');
        window.location.assign(form.dataset.show.replace(/\/0$/, `/${encodeURIComponent(body.id)}`));
        return;
      }
      fail(errorMessage(body, status === 413 ? strings.tooLarge : strings.network));
    },
    onError: () => fail(strings.network),
    onAbort: () => fail(strings.network),
  });

  button.disabled = true;
  setPercent(0);
  progress.hidden = false;
  request.send(data);
});
