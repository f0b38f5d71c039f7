// Bounding-box workbench: draw labelled boxes on an image.
//
// Boxes live in pixels of the ORIGINAL image, as whole numbers, which is what the server
// stores; the page shows a preview (at most 1600 px on its long side) scaled to the space
// available, so every pointer position is converted through the overlay's size on screen.
// The overlay places boxes in percent of the image, so they follow any resize as they are.
// The boxes as values and as elements are in workbench-bbox-boxes.js.
import {
  MIN_SIZE, boxAt, boxBetween, boxCounts, boxElement, copy, listItem, moved, resized, same,
  unique, validBox,
} from './workbench-bbox-boxes.js';
import { isTyping, startWorkbench } from './workbench-core.js';

const COLOURS = 10; // .lab-0 … .lab-9 in app.css
const DRAG_START = 4; // screen pixels a press travels before it draws or moves a box
const MAX_HEIGHT = 0.72; // of the window, so the labels and Submit stay in reach
const MAX_UPSCALE = 2; // a small image is enlarged at most this much
const HISTORY_LIMIT = 100;

const texts = document.getElementById('bbox-strings').dataset;
const stage = document.getElementById('bbox-stage');
const frame = document.getElementById('bbox-frame');
const image = document.getElementById('bbox-image');
const overlay = document.getElementById('bbox-overlay');
const status = document.getElementById('bbox-status');
const labelsBox = document.getElementById('labels');
const buttons = Array.from(labelsBox.querySelectorAll('.label-button'));
const labels = buttons.map((b) => b.dataset.label);
const listBox = document.getElementById('bbox-list').closest('section');
const list = document.getElementById('bbox-list');
const count = document.getElementById('bbox-count');
const empty = document.getElementById('bbox-empty');
const note = document.getElementById('wb-message');

let width = 0; // of the original image
let height = 0;
let boxes = []; // [x, y, w, h, label], original pixels, in the order drawn
let selected = -1;
let current = labels[0]; // the label of the next box drawn
let history = []; // earlier box lists of this item, for undo
let lastNudge = null; // a run of arrow keys on one box is one undo step
let imageReady = false;
let gesture = null; // the pointer drag in progress

buttons.forEach((button, index) => button.classList.add(`lab-${index % COLOURS}`));

// The shared shortcut list gets this workbench's keys in front of Enter, S and ?.
const helpList = document.querySelector('#wb-shortcuts dl');
const bboxKeys = document.getElementById('bbox-shortcuts');
if (helpList && bboxKeys) helpList.prepend(bboxKeys.content.cloneNode(true));

function colourOf(label) {
  return `lab-${Math.max(labels.indexOf(label), 0) % COLOURS}`;
}

const size = () => ({ width, height });

/** What boxElement and listItem need to know of the workbench's state. */
const view = (scale) => ({ width, height, scale, selected, colourOf, itemText: texts.boxItem });

function renderBoxes() {
  const scale = height ? overlay.clientHeight / height : 0;
  const elements = boxes.map((box, index) => boxElement(box, index, view(scale)));
  if (gesture && gesture.box) {
    const draft = boxElement(gesture.box, -1, view(scale));
    draft.classList.add('bbox-draft');
    elements.push(draft);
  }
  overlay.replaceChildren(...elements);
  if (gesture) return; // the list and the buttons catch up when the pointer lets go
  list.replaceChildren(...boxes.map((box, index) => listItem(box, index, view(0))));
  count.textContent = String(boxes.length);
  empty.hidden = boxes.length > 0;
  for (const button of buttons) button.setAttribute('aria-pressed', String(button.dataset.label === current));
}

/** The height the image may take: with the labels and Submit beside it (wide windows),
 * everything from the stage's top to the window's bottom; with them below, a share of the
 * window, so they stay in reach. */
function roomBelowTop() {
  const stageBox = stage.getBoundingClientRect();
  const beside = labelsBox.getBoundingClientRect().top < stageBox.bottom;
  if (!beside) return window.innerHeight * MAX_HEIGHT;
  return window.innerHeight - (stageBox.top + window.scrollY) - 16;
}

/** Fit the image into the stage's width and the height it may take. */
function layout() {
  if (!width || !height) return;
  const room = Math.max(240, roomBelowTop());
  const scale = Math.min(stage.clientWidth / width, room / height, MAX_UPSCALE);
  frame.style.width = `${Math.max(1, Math.floor(width * scale))}px`;
  frame.style.height = `${Math.max(1, Math.floor(height * scale))}px`;
  renderBoxes(); // the tags' inside/outside choice depends on the size on screen
}

function remember(before = copy(boxes)) {
  history.push(before);
  if (history.length > HISTORY_LIMIT) history.shift();
}

function edited() {
  renderBoxes();
  workbench.changed();
}

function undo() {
  if (!history.length) return;
  boxes = history.pop();
  selected = Math.min(selected, boxes.length - 1);
  lastNudge = null;
  edited();
}

function select(index) {
  selected = index;
  lastNudge = null;
  renderBoxes();
}

function chooseLabel(label) {
  current = label;
  if (selected !== -1 && boxes[selected][4] !== label) {
    const relabelled = [...boxes[selected].slice(0, 4), label];
    if (boxes.some((box) => same(box, relabelled))) {
      workbench.show(texts.boxTwice, 'error');
    } else {
      remember();
      boxes[selected] = relabelled;
      lastNudge = null;
      workbench.hideMessage('error');
    }
  }
  edited(); // also when only the next box's label changed: the draft keeps it
}

function addBox(box) {
  if (box[2] < MIN_SIZE || box[3] < MIN_SIZE) {
    workbench.show(texts.tooSmall, 'info');
    renderBoxes();
    return;
  }
  const twin = boxes.findIndex((other) => same(other, box));
  if (twin !== -1) {
    workbench.show(texts.boxTwice, 'info');
    select(twin);
    return;
  }
  remember();
  boxes.push(box);
  selected = boxes.length - 1;
  lastNudge = null;
  edited();
}

function removeSelected() {
  remember();
  boxes.splice(selected, 1);
  selected = -1;
  lastNudge = null;
  edited();
}

// Arrows move the box by whole original pixels; with Alt they move its right or bottom edge.
function nudge(dx, dy, step, resize) {
  const next = (resize ? resized : moved)(boxes[selected], dx * step, dy * step, size());
  if (same(next, boxes[selected])) return;
  const run = `${selected}:${resize}`;
  if (lastNudge !== run) remember();
  boxes[selected] = next;
  lastNudge = run;
  edited();
}

// Tab walks through the boxes; past the last one (or before the first) it lets the
// browser move the focus on, so the keyboard is never trapped in the image.
function cycle(step) {
  if (document.activeElement !== stage || !boxes.length) return false;
  const next = selected === -1 ? (step > 0 ? 0 : boxes.length - 1) : selected + step;
  if (next < 0 || next >= boxes.length) {
    select(-1);
    return false;
  }
  select(next);
  return true;
}

const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

function onKey(event) {
  if (isTyping(event.target) || !imageReady) return false;
  if (gesture) { // while the pointer is down only Esc counts: it drops the drag
    if (event.key === 'Escape') cancelGesture();
    return event.key !== 'Tab';
  }
  const ctrl = event.ctrlKey || event.metaKey;
  if (ctrl && !event.altKey && event.key.toLowerCase() === 'z') {
    undo();
    return true;
  }
  if (ctrl) return false;
  if (event.key === 'Tab' && !event.altKey) return cycle(event.shiftKey ? -1 : 1);
  if (ARROWS[event.key] && selected !== -1) {
    const [dx, dy] = ARROWS[event.key];
    nudge(dx, dy, event.shiftKey ? 10 : 1, event.altKey);
    return true;
  }
  if (event.altKey || event.shiftKey) return false;
  if (/^[1-9]$/.test(event.key) && labels[Number(event.key) - 1] !== undefined) {
    chooseLabel(labels[Number(event.key) - 1]);
    return true;
  }
  if ((event.key === 'Backspace' || event.key === 'Delete') && selected !== -1) {
    removeSelected();
    return true;
  }
  if (event.key === 'Escape' && selected !== -1) {
    select(-1);
    return true;
  }
  return false;
}

function showStatus(text) {
  status.textContent = text;
  status.hidden = !text;
}

const bbox = {
  skipKey: true,
  render(item) {
    const info = item.image || {};
    const src = info.preview_url || info.url || '';
    const again = imageReady && src && image.getAttribute('src') === src; // the same task, claimed again
    width = Number.isInteger(info.width) && info.width > 0 ? info.width : 0;
    height = Number.isInteger(info.height) && info.height > 0 ? info.height : 0;
    boxes = [];
    selected = -1;
    history = [];
    lastNudge = null;
    gesture = null;
    image.alt = typeof item.text === 'string' ? item.text : '';
    if (!again) {
      imageReady = false;
      frame.classList.add('is-loading');
      showStatus(width && src ? texts.loading : texts.loadFailed);
      if (width && src) image.src = src;
      else image.removeAttribute('src');
    }
    layout();
  },
  restore(state) {
    if (!Array.isArray(state.boxes) || !state.boxes.every((box) => validBox(box, size(), labels))) return false;
    boxes = copy(state.boxes);
    if (labels.includes(state.current)) current = state.current;
    renderBoxes();
    return true;
  },
  state: () => ({ boxes, current }),
  result: () => (imageReady ? { boxes: unique(copy(boxes)) } : null),
  hide() {
    stage.hidden = true;
    labelsBox.hidden = true;
    listBox.hidden = true;
    boxes = [];
  },
  focus() {
    stage.focus({ preventScroll: true });
  },
  expected(answer) {
    return Array.isArray(answer.boxes) ? boxCounts(answer.boxes, texts.noBoxes) : '';
  },
  onKey,
};

const workbench = startWorkbench(bbox);

image.addEventListener('load', () => {
  if (!width) return;
  imageReady = true;
  frame.classList.remove('is-loading');
  showStatus('');
  layout();
  // Only changed() makes the core look at result() again (Submit waits for the image);
  // it also clears the "Saved." note of the previous task, so that comes back.
  const saved = !note.hidden && note.classList.contains('flash-info') ? note.textContent : '';
  workbench.changed();
  if (saved) workbench.show(saved, 'info');
});

image.addEventListener('error', () => {
  if (!image.getAttribute('src')) return;
  imageReady = false;
  showStatus(texts.loadFailed);
});

new ResizeObserver(() => layout()).observe(stage);
window.addEventListener('resize', () => layout()); // the height limit follows the window

// ---- Drawing, selecting and moving with a mouse, a pen or a finger ----

function pointOf(event) {
  const rect = overlay.getBoundingClientRect();
  return {
    x: ((event.clientX - rect.left) / rect.width) * width,
    y: ((event.clientY - rect.top) / rect.height) * height,
    screenX: event.clientX,
    screenY: event.clientY,
  };
}

function cancelGesture() {
  if (gesture.before) boxes = gesture.before;
  gesture = null;
  renderBoxes();
}

function dragTo(point) {
  const dx = Math.round(point.x - gesture.start.x);
  const dy = Math.round(point.y - gesture.start.y);
  boxes[selected] = (gesture.mode === 'move' ? moved : resized)(gesture.origin, dx, dy, size());
}

overlay.addEventListener('pointerdown', (event) => {
  if (!workbench.active() || !imageReady || gesture || !event.isPrimary || event.button !== 0) return;
  event.preventDefault();
  stage.focus({ preventScroll: true });
  const onSelected = selected !== -1 && event.target.closest('.bbox-box.is-selected');
  const mode = event.target.closest('.bbox-handle') ? 'resize' : onSelected ? 'move' : 'press';
  gesture = {
    id: event.pointerId,
    mode,
    start: pointOf(event),
    origin: selected !== -1 ? [...boxes[selected]] : null,
    before: mode === 'press' ? null : copy(boxes),
    moved: false,
    box: null,
  };
  overlay.setPointerCapture(event.pointerId);
});

overlay.addEventListener('pointermove', (event) => {
  if (!gesture || event.pointerId !== gesture.id) return;
  const point = pointOf(event);
  const travel = Math.hypot(point.screenX - gesture.start.screenX, point.screenY - gesture.start.screenY);
  if (!gesture.moved && travel < DRAG_START) return;
  gesture.moved = true;
  if (gesture.mode === 'press') gesture.mode = 'draw';
  if (gesture.mode === 'draw') gesture.box = boxBetween(gesture.start, point, current, size());
  else dragTo(point);
  renderBoxes();
});

overlay.addEventListener('pointerup', (event) => {
  if (!gesture || event.pointerId !== gesture.id) return;
  const done = gesture;
  gesture = null;
  if (done.mode === 'draw') {
    addBox(boxBetween(done.start, pointOf(event), current, size()));
  } else if (!done.moved) { // a click: the smallest box under it, so inner boxes stay reachable
    select(done.mode === 'resize' ? selected : boxAt(boxes, done.start));
  } else if (!same(done.origin, boxes[selected])) {
    remember(done.before);
    lastNudge = null;
    edited();
  } else {
    renderBoxes();
  }
});

overlay.addEventListener('pointercancel', (event) => {
  if (gesture && event.pointerId === gesture.id) cancelGesture();
});

labelsBox.addEventListener('click', (event) => {
  const button = event.target.closest('.label-button');
  if (!button || !workbench.active()) return;
  chooseLabel(button.dataset.label);
  stage.focus({ preventScroll: true });
});

list.addEventListener('click', (event) => {
  const item = event.target.closest('.bbox-item');
  if (!item || !workbench.active()) return;
  select(Number(item.dataset.index));
  stage.focus({ preventScroll: true });
});
