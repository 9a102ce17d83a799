// Kanban: dropping a card on another stage's column opens the stage-transition form (which asks
// for the date, and the reason when moving backwards) with that stage chosen. Without
// JavaScript the card's “移至…” menu leads to the same form.
(function () {
  var board = document.querySelector("[data-testid=kanban]");
  if (!board) { return; }
  var dragged = null;
  board.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".kanban-card[data-move-url]");
    if (dragged) { event.dataTransfer.setData("text/plain", dragged.dataset.project); }
  });
  board.addEventListener("dragover", function (event) {
    if (dragged && event.target.closest(".kanban-column")) { event.preventDefault(); }
  });
  board.addEventListener("drop", function (event) {
    var column = event.target.closest(".kanban-column");
    if (!dragged || !column) { return; }
    event.preventDefault();
    if (column.contains(dragged)) { dragged = null; return; }
    var next = window.location.pathname + window.location.search;
    window.location.href = dragged.dataset.moveUrl + "?stage=" + encodeURIComponent(column.dataset.stage) +
      "&next=" + encodeURIComponent(next);
  });
})();
