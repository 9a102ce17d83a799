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
// The 导出Excel link follows the filter form: the table refreshes in place when a filter
// changes, and the export must be of the list the user now sees.
document.body.addEventListener("htmx:afterRequest", function () {
  var link = document.querySelector("[data-export-base]");
  var form = document.querySelector("form.filter-form");
  if (!link || !form) { return; }
  var query = new URLSearchParams(new FormData(form)).toString();
  link.href = link.dataset.exportBase + (query ? "?" + query : "");
});
// A select that follows another (乡镇(街道) under 县(市、区)): only the options of the chosen
// parent are offered; one no longer offered is unset. See core.forms.FollowingSelect.
function followParent(child) {
  var parent = child.form && child.form.querySelector('select[name="' + child.dataset.follows + '"]');
  if (!parent) { return; }
  child.querySelectorAll("option[data-parent]").forEach(function (option) {
    option.hidden = parent.value !== "" && option.dataset.parent !== parent.value;
  });
  if (child.selectedOptions.length && child.selectedOptions[0].hidden) { child.value = ""; }
}
document.querySelectorAll("select[data-follows]").forEach(followParent);
// Captured, so a filter form refreshing the list on "change" already sends the unset child.
document.addEventListener("change", function (event) {
  if (!event.target.form || event.target.tagName !== "SELECT") { return; }
  event.target.form.querySelectorAll('select[data-follows="' + event.target.name + '"]').forEach(followParent);
}, true);
