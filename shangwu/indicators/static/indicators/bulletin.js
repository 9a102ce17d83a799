// 月通报 charts: this year against last year by month, and the counties side by side.
// Data come from the json_script block "bulletin-charts"; re-run after an htmx swap.
(function () {
  "use strict";
  function render(root) {
    var block = document.getElementById("bulletin-charts");
    if (!block || typeof echarts === "undefined") { return; }
    var charts = JSON.parse(block.textContent);
    (root || document).querySelectorAll(".bulletin-chart").forEach(function (el) {
      var data = charts[el.dataset.code];
      if (!data) { return; }
      var old = echarts.getInstanceByDom(el);
      if (old) { old.dispose(); }
      var chart = echarts.init(el);
      if (el.dataset.chart === "trend") {
        var t = data.trend;
        chart.setOption({
          title: { text: data.name + "逐月走势（" + t.unit + "）", textStyle: { fontSize: 13 }, left: 0 },
          tooltip: { trigger: "axis" },
          legend: { top: 0, right: 0, data: [t.this_year_label, t.last_year_label] },
          grid: { top: 45, left: 50, right: 15, bottom: 25 },
          xAxis: { type: "category", data: t.months },
          yAxis: { type: "value" },
          series: [
            { name: t.this_year_label, type: "line", data: t.this_year, smooth: true },
            { name: t.last_year_label, type: "line", data: t.last_year, smooth: true, lineStyle: { type: "dashed" } }
          ]
        });
      } else {
        var c = data.counties;
        chart.setOption({
          title: { text: "各县（市、区）累计及增速", textStyle: { fontSize: 13 }, left: 0 },
          tooltip: { trigger: "axis" },
          legend: { top: 0, right: 0, data: ["累计（" + c.unit + "）", "累计同比%"] },
          grid: { top: 45, left: 50, right: 45, bottom: 40 },
          xAxis: { type: "category", data: c.names, axisLabel: { interval: 0, rotate: 30 } },
          yAxis: [{ type: "value" }, { type: "value", axisLabel: { formatter: "{value}%" } }],
          series: [
            { name: "累计（" + c.unit + "）", type: "bar", data: c.cumulative },
            { name: "累计同比%", type: "line", yAxisIndex: 1, data: c.growth }
          ]
        });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSwap", function (e) { render(e.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll(".bulletin-chart").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
})();
