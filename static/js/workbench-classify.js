// Classification workbench: keys 1–9 choose a label (or toggle labels when the project
// allows several), Enter submits. The claim/submit loop is in workbench-core.js.
import { isTyping, startWorkbench } from './workbench-core.js';

const itemText = document.getElementById('item-text');
const labelsBox = document.getElementById('labels');
const buttons = Array.from(labelsBox.querySelectorAll('.label-button'));
const multi = labelsBox.dataset.multi === 'true';
const known = new Set(buttons.map((b) => b.dataset.label));

let chosen = []; // the chosen labels, in the project's order

function refresh() {
  for (const button of buttons) {
    button.setAttribute('aria-checked', String(chosen.includes(button.dataset.label)));
  }
}

function ordered(labels) {
  return buttons.map((b) => b.dataset.label).filter((label) => labels.includes(label));
}

const classify = {
  skipKey: true,
  render(item) {
    itemText.textContent = typeof item.text === 'string' ? item.text : '';
    itemText.scrollTop = 0;
    chosen = [];
    refresh();
  },
  restore(state) {
    if (!Array.isArray(state.labels) || !state.labels.every((l) => known.has(l))) return false;
    chosen = ordered(state.labels);
    refresh();
    return true;
  },
  state: () => ({ labels: chosen }),
  result() {
    if (multi) return chosen.length ? { labels: chosen } : null;
    return chosen.length ? { label: chosen[0] } : null;
  },
  hide() {
    itemText.hidden = true;
    labelsBox.hidden = true;
    chosen = [];
  },
  expected(answer) {
    if (typeof answer.label === 'string') return answer.label;
    return Array.isArray(answer.labels) ? answer.labels.join('、') : '';
  },
  onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return false;
    if (!/^[1-9]$/.test(event.key)) return false;
    const button = buttons.find((b) => b.dataset.key === event.key);
    if (!button) return false;
    choose(button.dataset.label);
    return true;
  },
};

const workbench = startWorkbench(classify);

function choose(label) {
  if (!workbench.active()) return;
  if (!multi) chosen = [label];
  else if (chosen.includes(label)) chosen = chosen.filter((l) => l !== label);
  else chosen = ordered([...chosen, label]);
  refresh();
  workbench.changed();
}

labelsBox.addEventListener('click', (event) => {
  const button = event.target.closest('.label-button');
  if (button) choose(button.dataset.label);
});
