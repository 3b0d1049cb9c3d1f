// Drag and drop onto an upload form: the dropped file goes into the form's file input and the form is sent as it
// would be by its button (htmx sends it; without JavaScript the plain form still works). No inline scripts (CSP).
document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-dropzone]').forEach((zone) => {
    const input = zone.querySelector('input[type=file]');
    const form = zone.closest('form');
    ['dragenter', 'dragover'].forEach((type) => zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add('over');
    }));
    ['dragleave', 'drop'].forEach((type) => zone.addEventListener(type, () => zone.classList.remove('over')));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      if (!event.dataTransfer || event.dataTransfer.files.length === 0) {
        return;
      }
      input.files = event.dataTransfer.files;
      form.requestSubmit();
    });
  });
});
