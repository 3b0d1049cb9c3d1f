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

// Charts (Chart.js, loaded by the pages that draw one): a canvas with data-chart='{"labels": [...], "values": [...]}'
// (and optionally "colors": one per bar, to mark some) becomes a bar chart, also when htmx brings it in later (a run's
// report appears when the run ends). The table beside
// each chart holds the same numbers, for reading without JavaScript or a screen.
function drawCharts(root) {
  if (typeof Chart === 'undefined' || !root.querySelectorAll) {
    return;
  }
  root.querySelectorAll('canvas[data-chart]').forEach((canvas) => {
    if (Chart.getChart(canvas)) {
      return;
    }
    const data = JSON.parse(canvas.dataset.chart);
    new Chart(canvas, {
      type: 'bar',
      data: { labels: data.labels, datasets: [{ label: canvas.getAttribute('aria-label'), data: data.values,
        backgroundColor: data.colors || '#0b5cad' }] },
      options: { animation: false, responsive: false, plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  });
}
document.addEventListener('DOMContentLoaded', () => drawCharts(document));
document.addEventListener('htmx:load', (event) => drawCharts(event.detail.elt));
