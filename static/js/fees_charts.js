// Draws the fees overview's charts: <canvas data-fees-chart="bar|doughnut" id="X"> with its rows
// ([label, value], ...) in <script type="application/json" id="X-data"> (Django's json_script).
// A canvas gets data-drawn="1" once drawn (the browser tests wait for it). Right-to-left pages mirror the x axis.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") return;
  var rtl = document.documentElement.dir === "rtl";
  var palette = ["#0d6efd", "#198754", "#ffc107", "#dc3545", "#6f42c1", "#20c997", "#fd7e14", "#6c757d", "#0dcaf0", "#d63384"];
  document.querySelectorAll("canvas[data-fees-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.id + "-data");
    if (!source) return;
    var rows = JSON.parse(source.textContent);
    var type = canvas.dataset.feesChart;
    var colours = canvas.dataset.colours ? canvas.dataset.colours.split(",") : null;
    var background = type === "doughnut" ? rows.map(function (_r, i) { return palette[i % palette.length]; })
                   : colours ? rows.map(function (_r, i) { return colours[i % colours.length]; }) : "#0d6efd";
    var options = {
      animation: false,
      maintainAspectRatio: false,
      locale: document.documentElement.lang,
      plugins: { legend: { display: type === "doughnut", position: "bottom" } }
    };
    if (type !== "doughnut") {
      options.scales = { x: { reverse: rtl }, y: { beginAtZero: true, position: rtl ? "right" : "left" } };
    }
    new Chart(canvas, {
      type: type,
      data: {
        labels: rows.map(function (r) { return r[0]; }),
        datasets: [{ data: rows.map(function (r) { return r[1]; }), backgroundColor: background,
                     borderColor: type === "doughnut" ? "#fff" : background, maxBarThickness: 64 }]
      },
      options: options
    });
    canvas.dataset.drawn = "1";
  });
});
