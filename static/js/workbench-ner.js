// Named-entity workbench: mark labelled character spans in the item text.
//
// Offsets are those of the server (Python str indices): Unicode code points, end
// exclusive. JavaScript strings count UTF-16 units, so an emoji or a CJK Extension B
// character such as 𠀋 is two units but one character; the text is therefore split into
// code points once (Array.from) and every offset on this page indexes that array.
import { isTyping, startWorkbench, strings } from './workbench-core.js';

const COLOURS = 10; // .lab-0 … .lab-9 in app.css

const itemText = document.getElementById('item-text');
const labelsBox = document.getElementById('labels');
const buttons = Array.from(labelsBox.querySelectorAll('.label-button'));
const labels = buttons.map((b) => b.dataset.label);
const allowOverlap = labelsBox.dataset.allowOverlap === 'true';

let chars = []; // the item text, one code point per entry
let spans = []; // [start, end, label], code point offsets
let anchor = 0; // selection = [min(anchor, caret), max(anchor, caret))
let caret = 0;
let charNodes = [];
let history = []; // earlier span lists of this item, for undo

const HISTORY_LIMIT = 100;

buttons.forEach((button, index) => button.classList.add(`lab-${index % COLOURS}`));

function colourOf(label) {
  return `lab-${Math.max(labels.indexOf(label), 0) % COLOURS}`;
}

function selection() {
  return [Math.min(anchor, caret), Math.max(anchor, caret)];
}

function sortSpans() {
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
}

function openMark(parent, index) {
  const [, , label] = spans[index];
  const mark = document.createElement('mark');
  mark.className = `ent ${colourOf(label)}`;
  mark.dataset.span = String(index);
  mark.dataset.label = label;
  mark.title = label;
  parent.append(mark);
  return mark;
}

// Marks nest; a span crossing the end of an enclosing one (allowed with allow_overlap)
// is cut there and continued in a new <mark> after it.
function renderText() {
  const root = document.createDocumentFragment();
  const order = spans.map((_, index) => index)
    .sort((a, b) => spans[a][0] - spans[b][0] || spans[b][1] - spans[a][1]);
  const stack = [{ node: root, end: Infinity, index: -1 }];
  let next = 0;
  charNodes = [];
  for (let i = 0; i <= chars.length; i += 1) {
    const closed = stack.findIndex((frame, depth) => depth > 0 && frame.end <= i);
    if (closed !== -1) {
      for (const frame of stack.splice(closed).filter((f) => f.end > i)) {
        stack.push({ ...frame, node: openMark(stack[stack.length - 1].node, frame.index) });
      }
    }
    while (next < order.length && spans[order[next]][0] === i) {
      const index = order[next];
      stack.push({ node: openMark(stack[stack.length - 1].node, index), end: spans[index][1], index });
      next += 1;
    }
    if (i < chars.length) {
      const node = document.createElement('span');
      node.className = 'ch';
      node.dataset.i = String(i);
      node.textContent = chars[i];
      stack[stack.length - 1].node.append(node);
      charNodes.push(node);
    }
  }
  itemText.replaceChildren(root);
  // The label tag goes after the last piece of each span only.
  const last = new Map();
  for (const mark of itemText.querySelectorAll('mark.ent')) last.set(mark.dataset.span, mark);
  for (const mark of last.values()) mark.classList.add('ent-end');
  paintSelection();
}

function paintSelection(scroll = false) {
  for (const node of itemText.querySelectorAll('.sel, .caret, .caret-end')) {
    node.classList.remove('sel', 'caret', 'caret-end');
  }
  const [start, end] = selection();
  for (let i = start; i < end; i += 1) charNodes[i].classList.add('sel');
  if (caret < charNodes.length) charNodes[caret].classList.add('caret');
  else if (charNodes.length) charNodes[charNodes.length - 1].classList.add('caret-end');
  const visible = charNodes[Math.min(caret, charNodes.length - 1)];
  if (scroll && visible) visible.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

function moveCaret(to, extend) {
  caret = Math.max(0, Math.min(chars.length, to));
  if (!extend) anchor = caret;
  paintSelection(true);
}

function overlaps(start, end) {
  return spans.some(([s, e]) => s < end && start < e);
}

function remember() {
  history.push(spans.map((span) => [...span]));
  if (history.length > HISTORY_LIMIT) history.shift();
}

// A click on a span removes it at once, so a slip must be easy to take back.
function undo() {
  if (!history.length) return;
  spans = history.pop();
  renderText();
  workbench.changed();
}

function applyLabel(label) {
  const [start, end] = selection();
  if (start === end) {
    workbench.show(strings.selectFirst, 'error');
    return;
  }
  if (spans.some(([s, e, l]) => s === start && e === end && l === label)) {
    workbench.show(strings.spanTwice, 'error');
    return;
  }
  if (!allowOverlap && overlaps(start, end)) {
    workbench.show(strings.noOverlap, 'error');
    return;
  }
  remember();
  spans.push([start, end, label]);
  sortSpans();
  anchor = end;
  caret = end;
  workbench.hideMessage('error');
  renderText();
  workbench.changed();
}

function removeSpan(index) {
  remember();
  spans.splice(index, 1);
  renderText();
  workbench.changed();
}

// The innermost span holding character i, or -1.
function spanAt(i) {
  let found = -1;
  spans.forEach(([s, e], index) => {
    if (s <= i && i < e && (found === -1 || e - s < spans[found][1] - spans[found][0])) found = index;
  });
  return found;
}

function removeAtCaret(backwards) {
  const [start, end] = selection();
  const inside = start < end ? spanAt(start) : -1;
  const before = spanAt(caret - 1);
  const after = spanAt(caret);
  const index = inside !== -1 ? inside : backwards ? (before !== -1 ? before : after)
    : (after !== -1 ? after : before);
  if (index !== -1) removeSpan(index);
}

const MOVES = {
  ArrowLeft: () => caret - 1,
  ArrowRight: () => caret + 1,
  Home: () => 0,
  End: () => chars.length,
};

function onKey(event) {
  if (isTyping(event.target)) return false;
  if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'z') {
    undo();
    return true;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  if (MOVES[event.key]) {
    const [start, end] = selection();
    // Without Shift an arrow first collapses a selection to its edge, as in an editor.
    if (!event.shiftKey && start !== end && event.key.startsWith('Arrow')) {
      moveCaret(event.key === 'ArrowLeft' ? start : end, false);
    } else {
      moveCaret(MOVES[event.key](), event.shiftKey);
    }
    return true;
  }
  if (/^[1-9]$/.test(event.key)) {
    const label = labels[Number(event.key) - 1];
    if (label === undefined) return false;
    applyLabel(label);
    return true;
  }
  if (event.key === 'Backspace' || event.key === 'Delete') {
    removeAtCaret(event.key === 'Backspace');
    return true;
  }
  if (event.key === 'Escape' && anchor !== caret) {
    moveCaret(caret, false);
    return true;
  }
  return false;
}

function validSpan(span) {
  return Array.isArray(span) && span.length === 3 && Number.isInteger(span[0])
    && Number.isInteger(span[1]) && span[0] >= 0 && span[0] < span[1]
    && span[1] <= chars.length && labels.includes(span[2]);
}

const ner = {
  skipKey: true,
  render(item) {
    chars = Array.from(typeof item.text === 'string' ? item.text : '');
    spans = [];
    history = [];
    anchor = 0;
    caret = 0;
    renderText();
    itemText.scrollTop = 0;
  },
  restore(state) {
    if (!Array.isArray(state.spans) || !state.spans.every(validSpan)) return false;
    spans = state.spans.map(([s, e, l]) => [s, e, l]);
    sortSpans();
    renderText();
    return true;
  },
  state: () => ({ spans }),
  result: () => ({ spans: spans.map(([s, e, l]) => [s, e, l]) }),
  hide() {
    itemText.hidden = true;
    labelsBox.hidden = true;
    spans = [];
    chars = [];
  },
  focus() {
    itemText.focus({ preventScroll: true });
  },
  expected(answer) {
    if (!Array.isArray(answer.spans)) return '';
    if (!answer.spans.length) return strings.noEntities;
    return answer.spans.filter(validSpan)
      .map(([s, e, l]) => `${chars.slice(s, e).join('')}（${l}）`).join('、');
  },
  onKey,
};

const workbench = startWorkbench(ner);

// A DOM selection boundary (node, offset) as a code point offset in the item text.
function boundary(node, offset) {
  if (!itemText.contains(node)) {
    const before = node.compareDocumentPosition(itemText) & Node.DOCUMENT_POSITION_FOLLOWING;
    return before ? 0 : chars.length;
  }
  if (node.nodeType === Node.TEXT_NODE) {
    const ch = node.parentElement.closest('.ch');
    if (!ch) return null;
    return Number(ch.dataset.i) + (offset > 0 ? 1 : 0);
  }
  const child = node.childNodes[offset];
  if (child) {
    const ch = child.nodeType === Node.ELEMENT_NODE
      ? (child.matches('.ch') ? child : child.querySelector('.ch')) : child.parentElement.closest('.ch');
    if (ch) return Number(ch.dataset.i);
  }
  const all = node.nodeType === Node.ELEMENT_NODE ? node.querySelectorAll('.ch') : [];
  return all.length ? Number(all[all.length - 1].dataset.i) + 1 : 0;
}

function onClick(event) {
  const mark = event.target.closest('mark.ent');
  if (mark) {
    removeSpan(Number(mark.dataset.span));
    return;
  }
  const ch = event.target.closest('.ch');
  if (ch) moveCaret(Number(ch.dataset.i), event.shiftKey);
}

// The browser's selection inside the text, as our selection; false when there is none.
function adoptSelection(native) {
  if (!native || native.rangeCount === 0 || native.isCollapsed) return false;
  if (!itemText.contains(native.anchorNode) && !itemText.contains(native.focusNode)) return false;
  const from = boundary(native.anchorNode, native.anchorOffset);
  const to = boundary(native.focusNode, native.focusOffset);
  if (from === null || to === null) return false;
  anchor = from;
  caret = Math.max(0, Math.min(chars.length, to));
  paintSelection();
  return true;
}

// Touch screens select with handles and never send mouseup to the text: follow along.
document.addEventListener('selectionchange', () => {
  if (workbench.active()) adoptSelection(window.getSelection());
});

// On the document, not the text: a drag may end outside the text box.
document.addEventListener('mouseup', (event) => {
  if (!workbench.active() || event.button !== 0) return;
  const native = window.getSelection();
  if (native && native.isCollapsed && itemText.contains(event.target)) {
    onClick(event);
  } else if (adoptSelection(native)) {
    native.removeAllRanges(); // our own highlight shows the selection from here on
    itemText.focus({ preventScroll: true });
  }
});

labelsBox.addEventListener('click', (event) => {
  const button = event.target.closest('.label-button');
  if (!button || !workbench.active()) return;
  applyLabel(button.dataset.label);
  itemText.focus({ preventScroll: true });
});
