// The corpus upload page: one or several files, chosen or dropped, each with its own progress
// bar, sent one after the other in resumable parts (resumable-upload.js). A single file opens
// its corpus when done; several leave a link per file.
import { ResumableUpload } from './resumable-upload.js';

const form = document.getElementById('upload-form');
const strings = document.getElementById('upload-strings').dataset;
const button = document.getElementById('upload-button');
const drop = document.getElementById('upload-drop');
const list = document.getElementById('upload-list');
const rowTemplate = document.getElementById('upload-row');
const message = document.getElementById('upload-message');
const nameInput = document.getElementById('corpus-name');
const fileInput = document.getElementById('corpus-file');
const maxBytes = Number(form.dataset.maxBytes);
const rows = [];
let running = false;

function show(text, kind) {
  message.textContent = text;
  message.className = `flash flash-${kind}`;
  message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  message.hidden = !text;
}

function fingerprint(file) {
  return `${file.name}:${file.size}:${file.lastModified}`;
}

function setStatus(row, text, kind = 'info') {
  row.status.textContent = text;
  row.status.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  row.element.dataset.state = row.state;
  row.element.classList.toggle('upload-failed', kind === 'error');
}

function setPercent(row, percent) {
  row.bar.value = percent;
  row.percent.textContent = `${percent}%`;
}

function statusText(kind, value) {
  if (kind === 'resuming') return strings.resuming.replace('{count}', value);
  if (kind === 'retrying') return strings.retrying.replace('{seconds}', value);
  return strings[kind] || '';
}

function removeRow(row) {
  if (row.upload && row.state === 'uploading') row.upload.cancel();
  rows.splice(rows.indexOf(row), 1);
  row.element.remove();
  if (!rows.length) show('', 'info');
}

function addRow(file) {
  if (rows.some((row) => fingerprint(row.file) === fingerprint(file) && row.state !== 'failed')) {
    return; // already listed
  }
  const element = rowTemplate.content.firstElementChild.cloneNode(true);
  const row = {
    file,
    element,
    state: 'waiting',
    bar: element.querySelector('progress'),
    percent: element.querySelector('.upload-percent'),
    status: element.querySelector('.upload-status'),
    resume: element.querySelector('.upload-resume'),
    cancel: element.querySelector('.upload-cancel'),
    link: element.querySelector('.upload-link'),
  };
  element.querySelector('.upload-file').textContent = file.name;
  row.bar.setAttribute('aria-label', file.name);
  row.resume.addEventListener('click', () => { uploadRows([row]); });
  row.cancel.addEventListener('click', () => removeRow(row));
  rows.push(row);
  list.append(element);
  if (Number.isFinite(maxBytes) && maxBytes > 0 && file.size > maxBytes) {
    row.state = 'failed';
    setStatus(row, strings.tooLarge, 'error');
    return;
  }
  setStatus(row, strings.waiting);
}

function addFiles(files) {
  show('', 'info');
  for (const file of files) addRow(file);
}

async function uploadRow(row, name) {
  row.state = 'uploading';
  row.resume.hidden = true;
  setStatus(row, strings.uploading);
  row.upload = new ResumableUpload(row.file, {
    api: form.dataset.api,
    name,
    textMode: form.elements.text_mode.value,
    messages: strings,
    onProgress: (percent) => setPercent(row, percent),
    onStatus: (kind, value) => setStatus(row, statusText(kind, value)),
  });
  try {
    const corpusId = await row.upload.run();
    row.state = 'done';
    row.cancel.hidden = true;
    row.link.href = form.dataset.show.replace(/\/0$/, `/${encodeURIComponent(corpusId)}`);
    row.link.hidden = false;
    const title = row.upload.corpus && row.upload.corpus.format_title;
    setStatus(row, title ? `${strings.done} ${strings.detected.replace('{format}', title)}` : strings.done);
    return corpusId;
  } catch (error) {
    if (error.cancelled) return null;
    row.state = error.paused ? 'paused' : 'failed';
    row.resume.hidden = !error.paused;
    setStatus(row, error.message || strings.network, 'error');
    return null;
  }
}

async function uploadRows(batch) {
  if (running) return;
  running = true;
  button.disabled = true;
  const name = rows.length === 1 ? nameInput.value.trim() : '';
  const done = [];
  for (const row of batch) {
    if (rows.includes(row)) done.push(await uploadRow(row, name));
  }
  running = false;
  button.disabled = false;
  const finished = done.filter((id) => id != null);
  if (rows.length === 1 && finished.length === 1) {
    window.location.assign(rows[0].link.href);
  } else if (rows.every((row) => row.state === 'done')) {
    show(strings.allDone, 'info');
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const waiting = rows.filter((row) => row.state === 'waiting' || row.state === 'paused');
  if (!waiting.length) {
    show(strings.noFile, 'error');
    return;
  }
  uploadRows(waiting);
});

fileInput.addEventListener('change', () => {
  addFiles(fileInput.files);
  fileInput.value = ''; // choosing the same file again (to resume it) fires change again
});

drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('drag-over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('drag-over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('drag-over');
  if (event.dataTransfer) addFiles(event.dataTransfer.files);
});
// A file dropped beside the zone must not make the browser leave the page for it.
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => event.preventDefault());
// The network is back: paused uploads go on by themselves.
window.addEventListener('online', () => {
  const paused = rows.filter((row) => row.state === 'paused');
  if (paused.length) uploadRows(paused);
});
