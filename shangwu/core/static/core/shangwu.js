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
// Formset rows (any number): 添加一行 copies the <template id="<prefix>-empty-row"> row and
// counts it in <prefix>-TOTAL_FORMS; without JavaScript the same button submits 再加一行 and the
// page comes back with one more row. 删除 marks a row (its DELETE box) and greys it out.
document.addEventListener("click", function (event) {
  var add = event.target.closest("[data-formset-add]");
  if (!add) { return; }
  var prefix = add.dataset.formsetAdd;
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var template = document.getElementById(prefix + "-empty-row");
  var rows = document.getElementById(prefix + "-rows");
  if (!total || !template || !rows) { return; }
  event.preventDefault();
  var index = Number(total.value);
  rows.insertAdjacentHTML("beforeend",
    template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__row__/g, String(index + 1)));
  total.value = String(index + 1);
  var added = rows.lastElementChild && rows.lastElementChild.querySelector("textarea, input:not([type=hidden])");
  if (added) { added.focus(); }
});
document.addEventListener("change", function (event) {
  if (!event.target.matches('[data-problem-row] input[name$="-DELETE"]')) { return; }
  event.target.closest("tr").classList.toggle("opacity-50", event.target.checked);
});
// Search boxes over long selects (the visit form's 企业 and 走访人员): shown only with
// JavaScript, they ask the page for the matching options (htmx) and keep the chosen ones.
document.querySelectorAll("[data-picker]").forEach(function (box) { box.hidden = false; });
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target.matches("[data-picker]")) { event.preventDefault(); }
});
