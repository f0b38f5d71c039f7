// Collection workbench: the project's prompt stands where an item would; the expert answers
// with a text (Enter types a newline; Ctrl+Enter submits) or, when the project collects
// pictures, with a PNG or JPEG: chosen (U) or dropped, uploaded with a progress bar,
// previewed, then submitted with Enter. The server checks the picture and keeps it under a
// key of its own; the answer names that key and the picture's SHA-256.
import { errorMessage } from './api-client.js';
import { percentDisplay, uploadRequest } from './upload-progress.js';
import { isTyping, startWorkbench } from './workbench-core.js';

const prompt = document.getElementById('collect-prompt');
const area = document.getElementById('collect-area');
const pictures = area.dataset.mode === 'picture';

function textKind() {
  const editor = document.getElementById('collect-text');
  const kind = {
    submitWithCtrl: true,
    skipKey: false,
    render(item) {
      prompt.textContent = typeof item.text === 'string' ? item.text : '';
      editor.value = '';
    },
    restore(state) {
      if (typeof state.text !== 'string') return false;
      editor.value = state.text;
      return true;
    },
    state: () => ({ text: editor.value }),
    // Nothing to send until something is written; the server also refuses blank text.
    result: () => (editor.value.trim() ? { text: editor.value } : null),
    hide() {
      area.hidden = true;
    },
    focus() {
      editor.focus({ preventScroll: true });
    },
    onKey: () => false,
  };
  const workbench = startWorkbench(kind);
  editor.addEventListener('input', () => workbench.changed());
}

const TYPES = ['image/png', 'image/jpeg'];

function pictureKind() {
  const texts = document.getElementById('collect-strings').dataset;
  const drop = document.getElementById('collect-drop');
  const choose = document.getElementById('collect-choose');
  const input = document.getElementById('collect-file');
  const progress = document.getElementById('collect-progress');
  const bar = document.getElementById('collect-bar');
  const percent = document.getElementById('collect-percent');
  const preview = document.getElementById('collect-preview');
  const image = document.getElementById('collect-image');
  const caption = document.getElementById('collect-caption');
  const maxBytes = Number(area.dataset.maxBytes);
  const setPercent = percentDisplay(bar, percent);

  let uploaded = null; // {key, sha256, content_type, width, height, name} once stored
  let request = null; // the upload in flight
  let objectUrl = null;
  let workbench = null;

  function showPreview(file) {
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = file ? URL.createObjectURL(file) : null;
    image.hidden = !objectUrl;
    if (objectUrl) image.src = objectUrl;
    else image.removeAttribute('src');
    if (uploaded) {
      caption.textContent = `${texts.uploaded} ${uploaded.name} · ${uploaded.width} × ${uploaded.height} ${texts.pixels}`;
    } else {
      caption.textContent = '';
    }
    preview.hidden = !objectUrl && !uploaded;
  }

  function reset() {
    if (request) request.abort();
    request = null;
    uploaded = null;
    progress.hidden = true;
    setPercent(0);
    input.value = '';
    showPreview(null);
  }

  function failed(text) {
    progress.hidden = true;
    workbench.show(text, 'error');
  }

  function finish(status, body, file) {
    request = null;
    if (status === 201 && body && typeof body.key === 'string') {
      setPercent(100);
      uploaded = { key: body.key, sha256: body.sha256, content_type: body.content_type,
        width: body.width, height: body.height, name: file.name };
      showPreview(file);
      workbench.hideMessage('error');
      workbench.changed();
      return;
    }
    if (status === 409 || status === 404) workbench.leaseLost();
    failed(errorMessage(body, status === 413 ? texts.tooLarge : texts.failed));
  }

  function upload(file) {
    if (!file || !workbench.active()) return;
    if (!TYPES.includes(file.type)) return failed(texts.wrongType);
    if (Number.isFinite(maxBytes) && file.size > maxBytes) return failed(texts.tooLarge);
    reset();
    const data = new FormData();
    data.append('file', file);
    const url = area.dataset.upload.replace(/\/0\/uploads$/, `/${workbench.task()}/uploads`);
    // No onAbort: reset() aborts the upload in flight on purpose, without a message.
    request = uploadRequest(url, {
      // The last percent waits for the server's answer: it checks the picture first.
      onProgress: (value) => setPercent(Math.min(99, value)),
      onDone: (status, body) => finish(status, body, file),
      onError() {
        request = null;
        failed(texts.failed);
      },
    });
    progress.hidden = false;
    workbench.hideMessage();
    request.send(data);
  }

  const kind = {
    submitWithCtrl: false,
    skipKey: true,
    render(item) {
      prompt.textContent = typeof item.text === 'string' ? item.text : '';
      reset();
    },
    restore(state) {
      const object = state && state.uploaded;
      if (!object || typeof object.key !== 'string') return false;
      uploaded = object; // after a reload only the stored picture's facts are left
      showPreview(null);
      return true;
    },
    state: () => ({ uploaded }),
    result: () => (uploaded ? { object: { key: uploaded.key, sha256: uploaded.sha256,
      content_type: uploaded.content_type } } : null),
    hide() {
      reset();
      area.hidden = true;
    },
    focus() {
      choose.focus({ preventScroll: true });
    },
    onKey(event) {
      if (event.key !== 'u' && event.key !== 'U') return false;
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return false;
      input.click();
      return true;
    },
  };

  workbench = startWorkbench(kind);
  choose.addEventListener('click', () => input.click());
  input.addEventListener('change', () => upload(input.files[0]));
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('drag-over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('drag-over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('drag-over');
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (file) upload(file);
  });
  // A file dropped beside the zone must not make the browser leave the page for it.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());
}

if (pictures) pictureKind();
else textKind();
