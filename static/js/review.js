// Review page: a digit key presses the matching label button (which submits the form).
const form = document.getElementById('review-form');

document.addEventListener('keydown', (event) => {
  if (!form || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
  if (!/^[1-9]$/.test(event.key)) return;
  const button = form.querySelector(`button[data-key="${event.key}"]`);
  if (button) {
    event.preventDefault();
    button.click();
  }
});
