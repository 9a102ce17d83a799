// 办理统计 chart: data comes from the json_script block rendered by the page (no inline script).
(function () {
  "use strict";
  var box = document.getElementById("case-chart");
  var source = document.getElementById("case-chart-data");
  if (!box || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data.labels.length) { box.style.display = "none"; return; }
  var chart = echarts.init(box);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: ["受理数", "办结数", "超期未办结"] },
    grid: { left: 40, right: 20, bottom: 70, top: 40 },
    xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 30, interval: 0 } },
    yAxis: { type: "value" },
    series: [
      { name: "受理数", type: "bar", data: data.received, itemStyle: { color: "#0d6efd" } },
      { name: "办结数", type: "bar", data: data.closed, itemStyle: { color: "#198754" } },
      { name: "超期未办结", type: "bar", data: data.overdue, itemStyle: { color: "#dc3545" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
