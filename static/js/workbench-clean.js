// Cleaning workbench: edit the item text, tick flags, see the changes, Ctrl+Enter submits.
// Enter types a newline here, and the flags use Alt+digit so they never collide with typing.
import { startWorkbench, strings } from './workbench-core.js';
import { textDiff } from './text-diff.js';

const DIFF_DELAY_MS = 150;
const MAX_EDITOR_SHARE = 0.6; // of the window height; longer texts scroll inside
const CONTEXT = 40; // code points kept on each side of a long unchanged stretch

const editor = document.getElementById('clean-text');
const area = document.getElementById('clean-area');
const flagBoxes = Array.from(document.querySelectorAll('#clean-flags input[type=checkbox]'));
const preview = document.getElementById('diff-preview');
const flagNames = flagBoxes.map((box) => box.value);

// Added or removed white space would be invisible in the preview; these stand in for it.
const VISIBLE_SPACE = { ' ': '␣', '\u3000': '□', '\t': '⇥', '\n': '↵\n' };

let original = '';
let diffTimer = null;

function appendPiece(op, text) {
  if (op === 'equal') {
    const points = Array.from(text);
    if (points.length <= 3 * CONTEXT) {
      preview.append(text);
      return;
    }
    // Long unchanged text is cut to its edges so the changes stay in view.
    preview.append(points.slice(0, CONTEXT).join(''));
    const gap = document.createElement('span');
    gap.className = 'diff-gap';
    gap.textContent = ' … ';
    preview.append(gap, points.slice(-CONTEXT).join(''));
    return;
  }
  const node = document.createElement(op === 'insert' ? 'ins' : 'del');
  node.textContent = text.replace(/[ \u3000\t\n]/g, (ch) => VISIBLE_SPACE[ch]);
  // A struck-through ␣ would look like 一: white space alone is shown without the line.
  if (!text.trim()) node.className = 'diff-space';
  preview.append(node);
}

function renderDiff() {
  diffTimer = null;
  preview.replaceChildren();
  const ops = textDiff(original, editor.value);
  if (!ops.some(([op]) => op !== 'equal')) {
    const none = document.createElement('span');
    none.className = 'muted';
    none.textContent = strings.noChanges;
    preview.append(none);
    return;
  }
  for (const [op, text] of ops) appendPiece(op, text);
}

function scheduleDiff() {
  if (diffTimer !== null) window.clearTimeout(diffTimer);
  diffTimer = window.setTimeout(renderDiff, DIFF_DELAY_MS);
}

// The editor grows with its text, so a short item does not sit in a large empty box.
function fitEditor() {
  const { scrollX, scrollY } = window; // collapsing the box to measure it may scroll the page
  editor.style.height = '0';
  const limit = Math.round(window.innerHeight * MAX_EDITOR_SHARE);
  editor.style.height = `${Math.min(editor.scrollHeight + 4, limit)}px`;
  window.scrollTo(scrollX, scrollY);
}

function flags() {
  return flagBoxes.filter((box) => box.checked).map((box) => box.value);
}

// Alt+1/2/3 by physical key: on a Mac, Option+digit types a symbol, so event.key differs.
function flagForKey(event) {
  if (!event.altKey || event.ctrlKey || event.metaKey) return null;
  const match = /^(?:Digit|Numpad)([1-9])$/.exec(event.code);
  return match ? flagBoxes[Number(match[1]) - 1] || null : null;
}

const clean = {
  submitWithCtrl: true,
  skipKey: false,
  render(item) {
    original = typeof item.text === 'string' ? item.text : '';
    editor.value = original;
    for (const box of flagBoxes) box.checked = false;
    fitEditor();
    renderDiff();
  },
  restore(state) {
    if (typeof state.text !== 'string' || !Array.isArray(state.flags)
        || !state.flags.every((flag) => flagNames.includes(flag))) return false;
    editor.value = state.text;
    for (const box of flagBoxes) box.checked = state.flags.includes(box.value);
    fitEditor();
    renderDiff();
    return true;
  },
  state: () => ({ text: editor.value, flags: flags() }),
  result: () => ({ text: editor.value, flags: flags() }),
  hide() {
    area.hidden = true;
  },
  focus() {
    editor.focus({ preventScroll: true });
    editor.setSelectionRange(0, 0);
    editor.scrollTop = 0;
  },
  onKey(event) {
    const box = flagForKey(event);
    if (!box) return false;
    box.checked = !box.checked;
    workbench.changed();
    return true;
  },
};

const workbench = startWorkbench(clean);

editor.addEventListener('input', () => {
  fitEditor();
  workbench.changed();
  scheduleDiff();
});
for (const box of flagBoxes) box.addEventListener('change', () => workbench.changed());
