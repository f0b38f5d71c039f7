// Collection workbench: the project's prompt stands where an item would; the expert writes a
// contribution. Enter types a newline; Ctrl+Enter submits.
import { startWorkbench } from './workbench-core.js';

const prompt = document.getElementById('collect-prompt');
const editor = document.getElementById('collect-text');
const area = document.getElementById('collect-area');

const collect = {
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

const workbench = startWorkbench(collect);
editor.addEventListener('input', () => workbench.changed());
