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
