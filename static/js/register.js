// The register grid: "mark all present" fills every student not yet marked (without JavaScript the
// same button asks the server to do it), and the absent count follows the taps.
(function () {
  function count(form) {
    var out = form.querySelector("[data-absent-count]");
    if (out) out.textContent = form.querySelectorAll("input[type=radio][value=absent]:checked").length;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill-present]");
    if (!button) return;
    event.preventDefault();
    var form = button.form;
    form.querySelectorAll("[data-student]").forEach(function (row) {
      if (!row.querySelector("input[type=radio]:checked")) {
        var present = row.querySelector("input[type=radio][value=present]");
        if (present) present.checked = true;
      }
    });
    count(form);
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-register] input[type=radio]")) count(event.target.form);
  });
})();
