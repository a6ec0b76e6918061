// Draws the charts a page declares: a <canvas id="X"> with its data in <script id="X-data">.
document.addEventListener("DOMContentLoaded", function () {
  var canvas = document.getElementById("users-by-role");
  var source = document.getElementById("users-by-role-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  var rows = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map(function (r) { return r[0]; }),
      datasets: [{ data: rows.map(function (r) { return r[1]; }), backgroundColor: "#0d6efd" }]
    },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
               animation: false }
  });
});
