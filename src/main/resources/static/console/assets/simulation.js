// The simulation page's chart of the decision mix, drawn from the numbers on its canvas (the table beside it shows the
// same numbers for those who cannot see the chart). Drawn when the page loads and when htmx brings a finished job.
(() => {
  const numbers = (text) => (text ? text.split('|').map(Number) : []);
  const draw = () => {
    document.querySelectorAll('canvas[data-labels]').forEach((canvas) => {
      if (canvas.dataset.drawn || typeof Chart === 'undefined') {
        return;
      }
      canvas.dataset.drawn = 'true';
      new Chart(canvas, {
        type: 'bar',
        data: {
          labels: canvas.dataset.labels ? canvas.dataset.labels.split('|') : [],
          datasets: [
            {label: canvas.dataset.beforeName, data: numbers(canvas.dataset.before), backgroundColor: '#8a96a3'},
            {label: canvas.dataset.afterName, data: numbers(canvas.dataset.after), backgroundColor: '#0b5cad'},
          ],
        },
        options: {animation: false, responsive: false, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}},
      });
    });
  };
  document.addEventListener('DOMContentLoaded', draw);
  document.addEventListener('htmx:afterSettle', draw);
})();
