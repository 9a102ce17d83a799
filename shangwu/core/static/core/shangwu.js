// htmx sends the CSRF token on every non-GET request.
document.body.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
});
// "select all on this page" checkbox of bulk lists.
document.addEventListener("change", function (event) {
  if (!event.target.matches("[data-check-all]")) { return; }
  var form = event.target.closest("form");
  form.querySelectorAll('input[name="pk"]').forEach(function (box) { box.checked = event.target.checked; });
});
