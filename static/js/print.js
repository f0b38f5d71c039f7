// "Print" button: the printable report is this page under the print stylesheet.
const button = document.getElementById('print-button');
if (button) button.addEventListener('click', () => window.print());
