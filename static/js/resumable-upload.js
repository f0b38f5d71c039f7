// One file uploaded in parts through /api/v1/uploads, so that a dropped connection or a
// closed tab costs only the parts in flight. The upload's id is kept in localStorage under the
// file's name, size and date: choosing or dropping the same file again later asks the server
// which parts it holds and sends only the others. A part that fails for want of a network
// (or a busy server) is sent again after 1, 2, 4 … 30 s; after that the upload pauses.
import { csrfToken, errorMessage, getJSON, postJSON } from './api-client.js';

const PARALLEL = 3;
const BACKOFF_S = [1, 2, 4, 8, 15, 30];
const KEY_PREFIX = 'wanbiao-upload:';

/** A refusal (message from the server), or a pause (`paused`: the network is gone). */
export class UploadError extends Error {
  constructor(message, { paused = false, cancelled = false } = {}) {
    super(message);
    this.paused = paused;
    this.cancelled = cancelled;
  }
}

function storageKey(file) {
  return `${KEY_PREFIX}${file.name}:${file.size}:${file.lastModified}`;
}

function remembered(file) {
  try {
    return JSON.parse(window.localStorage.getItem(storageKey(file)) || 'null');
  } catch {
    return null; // storage disabled or a damaged entry: start afresh
  }
}

function remember(file, id) {
  try {
    window.localStorage.setItem(storageKey(file), JSON.stringify({ id, at: Date.now() }));
  } catch {
    // without storage the upload still works; it only cannot resume after the tab closes
  }
}

function forget(file) {
  try {
    window.localStorage.removeItem(storageKey(file));
  } catch {
    // nothing to forget
  }
}

const sleep = (ms) => new Promise((resolve) => { window.setTimeout(resolve, ms); });

/** No answer at all, a timeout, a rate limit or a server error: worth trying again. */
const transient = (status) => status === 0 || status === 408 || status === 429 || status >= 500;

/** {status, body} of an api-client call; status 0 when the network failed. */
async function answerOf(call) {
  try {
    return await call();
  } catch {
    return { status: 0, body: null };
  }
}

export class ResumableUpload {
  /**
   * `api` is /api/v1/uploads; `name` the corpus name ('' for the file's name);
   * onProgress(percent) gets whole percents; onStatus(kind, value) says 'uploading',
   * 'resuming' (value: parts already held), 'retrying' (value: seconds) or 'completing'.
   */
  constructor(file, { api, name, textMode = 'paragraph', onProgress, onStatus, messages }) {
    Object.assign(this, { file, api, name, textMode, onProgress, onStatus, messages });
    this.requests = new Set();
    this.inFlight = new Map();
    this.sent = 0;
    this.cancelled = false;
    this.corpus = null;
  }

  /** Upload what the server lacks and complete; resolves to the new corpus's id. */
  async run() {
    this.cancelled = false;
    this.stopped = null;
    this.inFlight.clear();
    const upload = (await this.find()) || (await this.start());
    this.id = upload.id;
    if (upload.corpus_id != null) return this.finished(upload.corpus_id);
    const held = new Set(upload.parts.map((part) => part.number));
    this.sent = upload.parts.reduce((sum, part) => sum + part.size, 0);
    this.partSize = upload.part_size;
    this.onStatus(held.size ? 'resuming' : 'uploading', held.size);
    this.progress();
    const queue = [];
    for (let number = 1; number <= upload.part_count; number += 1) {
      if (!held.has(number)) queue.push(number);
    }
    const workers = Array.from({ length: Math.min(PARALLEL, queue.length) }, () => this.work(queue));
    await Promise.all(workers);
    if (this.stopped) throw this.stopped;
    this.onStatus('completing');
    // A table (CSV, TSV, .xlsx, JSON) waits for the mapping step on its corpus page; plain
    // text splits by paragraph or by line.
    const done = await this.retrying(() =>
      postJSON(`${this.api}/${upload.id}/complete`, {
        wait_for_mapping: true,
        text_mode: this.textMode,
      }),
    );
    if (done.status === 201 && done.body) {
      this.corpus = done.body; // the corpus as the API shows it: its format among others
      return this.finished(done.body.id);
    }
    if (done.status === 404) forget(this.file);
    throw new UploadError(errorMessage(done.body, this.messages.network));
  }

  /** Stop: abort the parts in flight and drop the upload on the server. */
  async cancel() {
    this.cancelled = true;
    for (const request of this.requests) request.abort();
    forget(this.file);
    if (!this.id) return;
    await answerOf(() => fetch(`${this.api}/${this.id}`, {
      method: 'DELETE',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRFToken': csrfToken() },
    }));
  }

  finished(corpusId) {
    forget(this.file);
    this.onProgress(100);
    return corpusId;
  }

  async find() {
    const saved = remembered(this.file);
    if (!saved || typeof saved.id !== 'string') return null;
    const found = await this.retrying(() => getJSON(`${this.api}/${encodeURIComponent(saved.id)}`));
    if (found.status === 200 && found.body && found.body.size === this.file.size) return found.body;
    forget(this.file); // expired, aborted or not this user's: begin again
    return null;
  }

  async start() {
    const body = { filename: this.file.name, size: this.file.size, name: this.name };
    const started = await this.retrying(() => postJSON(this.api, body));
    if (started.status !== 201 || !started.body) {
      throw new UploadError(errorMessage(started.body, this.messages.network));
    }
    remember(this.file, started.body.id);
    return started.body;
  }

  /** Call `request` until it gets an answer that is not transient, waiting longer each time. */
  async retrying(request) {
    for (let attempt = 0; ; attempt += 1) {
      const answer = await answerOf(request);
      if (this.cancelled) throw new UploadError('', { cancelled: true });
      if (this.stopped) throw this.stopped; // another part failed: this one stops too
      if (!transient(answer.status)) return answer;
      if (attempt >= BACKOFF_S.length) {
        throw new UploadError(this.messages.paused, { paused: true });
      }
      this.onStatus('retrying', BACKOFF_S[attempt]);
      await sleep(BACKOFF_S[attempt] * 1000);
      if (this.cancelled) throw new UploadError('', { cancelled: true });
      this.onStatus('uploading');
    }
  }

  async work(queue) {
    while (queue.length && !this.stopped) {
      const number = queue.shift();
      try {
        await this.sendPart(number);
      } catch (error) {
        this.stopped = this.stopped || error;
        for (const request of this.requests) request.abort();
      }
    }
  }

  async sendPart(number) {
    const start = (number - 1) * this.partSize;
    const blob = this.file.slice(start, Math.min(start + this.partSize, this.file.size));
    const answer = await this.retrying(() => this.put(number, blob));
    this.inFlight.delete(number);
    if (answer.status !== 200) {
      throw new UploadError(errorMessage(answer.body, this.messages.network));
    }
    this.sent += blob.size;
    this.progress();
  }

  put(number, blob) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      this.requests.add(xhr);
      const settle = (answer) => {
        this.requests.delete(xhr);
        this.inFlight.delete(number);
        this.progress();
        resolve(answer);
      };
      xhr.open('PUT', `${this.api}/${encodeURIComponent(this.id)}/parts/${number}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('X-CSRFToken', csrfToken());
      xhr.upload.onprogress = (event) => {
        this.inFlight.set(number, event.loaded);
        this.progress();
      };
      xhr.onload = () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          // a proxy's HTML error page
        }
        settle({ status: xhr.status, body });
      };
      xhr.onerror = () => settle({ status: 0, body: null });
      xhr.ontimeout = xhr.onerror;
      xhr.onabort = () => {
        this.requests.delete(xhr);
        reject(new UploadError('', { cancelled: true }));
      };
      xhr.send(blob);
    });
  }

  progress() {
    let loaded = this.sent;
    for (const bytes of this.inFlight.values()) loaded += bytes;
    const percent = this.file.size ? Math.floor((loaded / this.file.size) * 100) : 0;
    this.onProgress(Math.min(percent, 99));
  }
}
