// 表格填报: spreadsheet keys (arrows, Enter), paste of a block copied from Excel/WPS
// (tab-separated rows), the derived figure recomputed as one types, and the reason field marked
// required as soon as a saved figure is changed. The page works without it (plain inputs).
(function () {
  "use strict";
  var grid = document.querySelector("[data-testid=grid]");
  if (!grid) { return; }
  var reason = document.getElementById("grid-reason");

  function cell(row, col) {
    return grid.querySelector('.grid-cell[data-row="' + row + '"][data-col="' + col + '"]');
  }
  function number(text) {
    var t = (text || "").replace(/[,，\s]/g, "");
    return t === "" || isNaN(Number(t)) ? null : Number(t);
  }
  function refresh(input) {
    var tr = input.closest("tr");
    var out = tr.querySelector(".grid-derived");
    var value = number(tr.querySelector('.grid-cell[data-col="0"]').value);
    var base = out.dataset.base === "" ? null : Number(out.dataset.base);
    if (value !== null && base !== null) {
      var derived = out.dataset.monthly === "1" ? base + value : value - base;
      out.textContent = String(Math.round(derived * 10000) / 10000);
    }
    var changed = grid.querySelectorAll(".grid-cell").length && Array.prototype.some.call(
      grid.querySelectorAll(".grid-cell"), function (c) {
        return c.dataset.saved !== "" && c.value.trim() !== "" && number(c.value) !== Number(c.dataset.saved);
      });
    if (reason) {
      reason.required = changed;
      reason.classList.toggle("border-warning", changed);
    }
    input.classList.toggle("table-warning", input.dataset.saved !== "" && number(input.value) !== Number(input.dataset.saved));
  }
  grid.addEventListener("input", function (e) {
    if (e.target.classList.contains("grid-cell")) { refresh(e.target); }
  });
  grid.addEventListener("keydown", function (e) {
    var input = e.target;
    if (!input.classList.contains("grid-cell")) { return; }
    var row = Number(input.dataset.row), col = Number(input.dataset.col), next = null;
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    if (e.key === "ArrowDown" || (e.key === "Enter" && !e.shiftKey)) { next = cell(row + 1, col); }
    else if (e.key === "ArrowUp" || (e.key === "Enter" && e.shiftKey)) { next = cell(row - 1, col); }
    else if (e.key === "ArrowRight" && atEnd) { next = cell(row, col + 1); }
    else if (e.key === "ArrowLeft" && atStart) { next = cell(row, col - 1); }
    else { return; }
    e.preventDefault();  // Enter moves; it never submits the grid half-typed
    if (next) { next.focus(); next.select(); }
  });
  grid.addEventListener("paste", function (e) {
    var input = e.target;
    if (!input.classList.contains("grid-cell")) { return; }
    var text = (e.clipboardData || window.clipboardData).getData("text");
    if (text.indexOf("\t") < 0 && text.replace(/\r?\n$/, "").indexOf("\n") < 0) { return; }
    e.preventDefault();
    var lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
    var row = Number(input.dataset.row), col = Number(input.dataset.col);
    lines.forEach(function (line, i) {
      line.split("\t").forEach(function (value, j) {
        var target = cell(row + i, col + j);
        if (target) { target.value = value.trim(); refresh(target); }
      });
    });
  });
})();
