/* Marks grid: move between students with the keyboard, check each value as it is typed (the server
   checks again when the cell is saved over htmx), and show the saved/error state beside the cell. */
(function () {
  "use strict";
  var ABSENT = ["a", "abs", "absent", "x"];
  var NUMBER = /^(\d{1,4}(\.\d{0,2})?|\.\d{1,2})$/;

  function valid(text, max) {
    text = text.trim();
    if (text === "" || ABSENT.indexOf(text.toLowerCase()) !== -1) return true;
    text = text.replace(",", ".");
    return NUMBER.test(text) && parseFloat(text) <= max;
  }

  function statusOf(input) {
    return document.getElementById(input.getAttribute("aria-describedby"));
  }

  function show(input, state, message) {
    var status = statusOf(input);
    if (!status) return;
    status.dataset.state = state;
    status.textContent = "";
    if (message) {
      var span = document.createElement("span");
      span.className = state === "error" ? "text-danger" : "text-muted";
      span.textContent = message;
      status.appendChild(span);
    }
    input.classList.toggle("is-invalid", state === "error");
    if (state === "error") input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
  }

  function init(grid) {
    var max = parseFloat(grid.dataset.max);
    var inputs = Array.prototype.slice.call(grid.querySelectorAll("input.mark-input"));

    function move(input, step) {
      var next = inputs[inputs.indexOf(input) + step];
      if (next) { next.focus(); next.select(); }
    }

    grid.addEventListener("keydown", function (event) {
      var input = event.target;
      if (!input.classList || !input.classList.contains("mark-input")) return;
      if (event.key === "Enter" || event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault(); // Enter never submits the whole grid from a cell
        move(input, (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey)) ? -1 : 1);
      }
    });

    grid.addEventListener("input", function (event) {
      var input = event.target;
      if (!input.classList.contains("mark-input")) return;
      if (valid(input.value, max)) show(input, "", "");
      else show(input, "error", grid.dataset.message);
    });

    grid.addEventListener("focusin", function (event) {
      if (event.target.classList.contains("mark-input") && !event.target.readOnly) event.target.select();
    });

    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var input = event.detail.elt;
      if (input && input.classList && input.classList.contains("mark-input") && valid(input.value, max)) {
        show(input, "saving", grid.dataset.saving);
      }
    });

    document.body.addEventListener("htmx:afterSwap", function (event) {
      var status = event.detail.target && event.detail.target.id ? document.getElementById(event.detail.target.id) : null;
      if (!status || !status.classList.contains("mark-status")) return;
      var input = document.getElementById(status.dataset.input);
      if (!input) return;
      var error = status.dataset.state === "error";
      input.classList.toggle("is-invalid", error);
      if (error) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
      // show the mark as stored ("67,5" → "67.5", "abs" → "ABS"), unless the teacher is typing in it again
      if (!error && status.dataset.shown !== undefined && document.activeElement !== input) {
        input.value = status.dataset.shown;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var grid = document.getElementById("marks-grid");
    if (grid) init(grid);
  });
})();
