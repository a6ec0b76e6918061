// Draws the ledger's bar charts: <canvas data-ledger-chart="stacked-bar" (or "grouped-bar") id="X"> with
// {"labels": [...], "datasets": [{"label": ..., "data": [...]}, ...]} in <script id="X-data"> (json_script).
// Amounts come as decimal strings; right-to-left pages get a mirrored x axis.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") return;
  var rtl = document.documentElement.dir === "rtl";
  var palette = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997", "#ffc107", "#0dcaf0",
                 "#d63384", "#6c757d", "#6610f2", "#adb5bd"];
  document.querySelectorAll("canvas[data-ledger-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.id + "-data");
    if (!source) return;
    var chart = JSON.parse(source.textContent);
    var stacked = canvas.dataset.ledgerChart === "stacked-bar";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (set, i) {
          var colour = palette[i % palette.length];
          return { label: set.label, data: set.data.map(Number), backgroundColor: colour, borderColor: colour,
                   maxBarThickness: 48 };
        })
      },
      options: {
        animation: false,
        locale: document.documentElement.lang,
        plugins: { legend: { position: "bottom", rtl: rtl } },
        scales: {
          x: { stacked: stacked, reverse: rtl },
          y: { stacked: stacked, beginAtZero: true, position: rtl ? "right" : "left" }
        }
      }
    });
  });
});
