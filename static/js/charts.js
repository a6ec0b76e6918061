// Draws the charts a page declares: <canvas data-chart="bar" id="X"> with its rows ([label, value], ...)
// in <script type="application/json" id="X-data"> (Django's json_script). Right-to-left pages get a
// mirrored x axis with the values on the right.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") return;
  var rtl = document.documentElement.dir === "rtl";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.id + "-data");
    if (!source) return;
    var rows = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: canvas.dataset.chart,
      data: {
        labels: rows.map(function (r) { return r[0]; }),
        // a bar stays a bar when there are only one or two of them
        datasets: [{ data: rows.map(function (r) { return r[1]; }), backgroundColor: "#0d6efd",
                     borderColor: "#0d6efd", maxBarThickness: 64 }]
      },
      options: {
        animation: false,
        locale: document.documentElement.lang,
        plugins: { legend: { display: false } },
        scales: {
          x: { reverse: rtl },
          y: { beginAtZero: true, position: rtl ? "right" : "left", ticks: { precision: 0 } }
        }
      }
    });
  });
});
