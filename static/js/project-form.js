// The new-project form shows only the chosen task type's options (the others' inputs are
// disabled, so they are not sent) and a preview of what experts will see in the workbench.
const form = document.getElementById('project-form');
const preview = document.getElementById('workbench-preview');

if (form) {
  const kind = form.querySelector('#task_type');
  const labels = form.querySelector('#labels');
  const multi = form.querySelector('#multi');
  const prompt = form.querySelector('#prompt');
  const blocks = Array.from(form.querySelectorAll('[data-types]'));

  function labelList() {
    return labels.value.split('\n').map((l) => l.trim()).filter((l) => l).slice(0, 9);
  }

  function fillLabels(box) {
    box.replaceChildren();
    const list = labelList();
    if (!list.length) {
      const empty = document.createElement('p');
      empty.className = 'hint';
      empty.textContent = preview.dataset.noLabels;
      box.append(empty);
      return;
    }
    list.forEach((label, index) => {
      const chip = document.createElement('span');
      chip.className = 'label-button';
      const key = document.createElement('kbd');
      key.textContent = String(index + 1);
      chip.append(key, document.createTextNode(` ${label}`));
      box.append(chip);
    });
  }

  function showPreview(type) {
    if (!preview) return;
    preview.hidden = false;
    for (const part of preview.querySelectorAll('[data-preview]')) {
      part.hidden = part.dataset.preview !== type;
    }
    for (const box of preview.querySelectorAll('[data-fill="labels"]')) fillLabels(box);
    const when = preview.querySelector('[data-when="multi"]');
    if (when) when.hidden = !multi.checked;
    const promptText = preview.querySelector('[data-fill="prompt"]');
    if (promptText && prompt.value.trim()) promptText.textContent = prompt.value.trim();
  }

  function update() {
    const type = kind.value;
    for (const block of blocks) {
      const applies = block.dataset.types.split(' ').includes(type);
      block.hidden = !applies;
      for (const input of block.querySelectorAll('input, textarea, select')) {
        input.disabled = !applies;
      }
    }
    showPreview(type);
  }

  kind.addEventListener('change', update);
  for (const input of [labels, multi, prompt]) input.addEventListener('input', update);
  multi.addEventListener('change', update);
  update();
}
