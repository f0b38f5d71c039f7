// Review page. Classification: a digit key presses the matching label button (which submits
// the form). Other task types: a digit key (or a click) chooses that expert's answer, Enter
// makes it the final answer.
const form = document.getElementById('review-form');
const pickForm = document.getElementById('pick-form');
const picked = document.getElementById('picked-answer');
const confirm = document.getElementById('pick-confirm');
const status = document.getElementById('pick-status');

function choose(section) {
  document.querySelectorAll('.answer.pickable').forEach((other) => {
    other.classList.toggle('is-picked', other === section);
    other.setAttribute('aria-pressed', other === section ? 'true' : 'false');
  });
  picked.value = section.dataset.answer;
  confirm.disabled = false;
  status.textContent = section.querySelector('h3').textContent.replace(/^\s*\d\s*/, '').trim();
}

if (pickForm) {
  document.querySelectorAll('.answer.pickable').forEach((section) => {
    section.addEventListener('click', () => choose(section));
  });
}

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
  if (event.target.closest?.('input, textarea, select, summary')) return; // typing in the editor
  if (form && /^[1-9]$/.test(event.key)) {
    const button = form.querySelector(`button[data-key="${event.key}"]`);
    if (button) {
      event.preventDefault();
      button.click();
    }
    return;
  }
  if (!pickForm) return;
  if (/^[1-9]$/.test(event.key)) {
    const section = document.querySelector(`.answer.pickable[data-key="${event.key}"]`);
    if (section) {
      event.preventDefault();
      choose(section);
    }
  } else if (event.key === 'Enter' && picked.value && event.target.tagName !== 'BUTTON') {
    event.preventDefault();
    pickForm.requestSubmit();
  }
});

// The reviewer's own final answer (entities, boxes, cleaned text): rows of spans or boxes,
// or the text, serialised into the form's `result` field on submit. Choosing an expert's
// answer above copies it into the editor as a starting point.
const editForm = document.getElementById('edit-form');

function cell(row, value, type = 'number') {
  const td = document.createElement('td');
  const input = document.createElement('input');
  input.type = type;
  input.value = value;
  if (type === 'number') {
    input.step = editForm.dataset.kind === 'bbox' ? 'any' : '1';
    input.min = '0';
  }
  input.required = true;
  td.append(input);
  row.append(td);
  return input;
}

function labelCell(row, labels, value) {
  const td = document.createElement('td');
  const select = document.createElement('select');
  labels.forEach((label) => {
    const option = document.createElement('option');
    option.value = label;
    option.textContent = label;
    option.selected = label === value;
    select.append(option);
  });
  td.append(select);
  row.append(td);
}

function startEditor() {
  const kind = editForm.dataset.kind;
  const labels = JSON.parse(editForm.dataset.labels);
  const chars = Array.from(JSON.parse(editForm.dataset.text));
  const body = editForm.querySelector('#edit-rows tbody');
  const removeLabel = document.getElementById('edit-remove-label').innerHTML.trim();

  function addRow(values) {
    const row = document.createElement('tr');
    if (kind === 'ner') {
      const [start, end, label] = values;
      const from = cell(row, start);
      const to = cell(row, end);
      const piece = document.createElement('td');
      const show = () => { piece.textContent = chars.slice(+from.value, +to.value).join(''); };
      from.addEventListener('input', show);
      to.addEventListener('input', show);
      show();
      row.append(piece);
      labelCell(row, labels, label);
    } else {
      values.slice(0, 4).forEach((value) => cell(row, value));
      labelCell(row, labels, values[4]);
    }
    const td = document.createElement('td');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'button small';
    remove.textContent = removeLabel;
    remove.addEventListener('click', () => row.remove());
    td.append(remove);
    row.append(td);
    body.append(row);
  }

  function load(result) {
    if (kind === 'clean') {
      document.getElementById('edit-text').value = result.text ?? '';
      editForm.dataset.flags = JSON.stringify(result.flags ?? []);
      return;
    }
    body.replaceChildren();
    (result[kind === 'ner' ? 'spans' : 'boxes'] ?? []).forEach(addRow);
  }

  function collect() {
    if (kind === 'clean') {
      return { text: document.getElementById('edit-text').value,
        flags: JSON.parse(editForm.dataset.flags || '[]') };
    }
    const rows = Array.from(body.rows).map((row) => {
      const numbers = Array.from(row.querySelectorAll('input')).map((input) => Number(input.value));
      return [...numbers, row.querySelector('select').value];
    });
    return kind === 'ner' ? { spans: rows } : { boxes: rows };
  }

  load(JSON.parse(editForm.dataset.start));
  document.getElementById('edit-add')?.addEventListener('click', () => {
    addRow(kind === 'ner' ? [0, 1, labels[0]] : [0, 0, 10, 10, labels[0]]);
  });
  editForm.addEventListener('submit', () => {
    document.getElementById('edit-result').value = JSON.stringify(collect());
  });
  document.querySelectorAll('.answer.pickable').forEach((section) => {
    section.addEventListener('click', () => load(JSON.parse(section.dataset.result)));
  });
}

if (editForm) startEditor();
