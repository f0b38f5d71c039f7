// An upload whose progress shows as a bar and a percentage: the corpus upload and the
// collection workbench's pictures. XMLHttpRequest because fetch() has no upload progress events.
import { csrfToken } from './api-client.js';

/** A function that shows a whole percent on `bar` (a <progress max="100">) and in `label`. */
export function percentDisplay(bar, label) {
  return (value) => {
    bar.value = value;
    label.textContent = `${value}%`;
  };
}

function jsonBody(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null; // an HTML error page from a proxy
  }
}

/**
 * An opened, not yet sent, session-authenticated POST to `url`, for the caller to send() once
 * its page shows the upload. While the body goes up, onProgress(percent) gets whole percents;
 * then onDone(status, body) with the JSON body (null when there is none), or onError() when
 * the connection breaks, or onAbort() (if given) when the request is aborted.
 */
export function uploadRequest(url, { onProgress, onDone, onError, onAbort }) {
  const xhr = new XMLHttpRequest();
  xhr.open('POST', url);
  xhr.setRequestHeader('X-CSRFToken', csrfToken());
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.upload.onprogress = (event) => {
    if (event.lengthComputable) onProgress(Math.floor((event.loaded / event.total) * 100));
  };
  xhr.onload = () => onDone(xhr.status, jsonBody(xhr.responseText));
  xhr.onerror = () => onError();
  if (onAbort) xhr.onabort = () => onAbort();
  return xhr;
}
