// A subsidy programme's charts (ECharts, served by the platform): applications accepted and
// subsidy paid by month, and the subsidy paid by product category.
(function () {
  if (typeof echarts === "undefined") { return; }
  var el = document.getElementById("subsidy-chart-data");
  if (!el) { return; }
  var data = JSON.parse(el.textContent);
  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var chart = echarts.init(node);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  draw("month-chart", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { top: 40, left: 50, right: 60, bottom: 30 },
    xAxis: { type: "category", data: data.months },
    yAxis: [{ type: "value", name: "件", minInterval: 1 }, { type: "value", name: "万元" }],
    series: [
      { name: "受理申请（件）", type: "bar", data: data.applications },
      { name: "拨付补贴（万元）", type: "line", yAxisIndex: 1, data: data.subsidy }
    ]
  });
  draw("category-chart", {
    tooltip: { trigger: "item", formatter: "{b}：{c} 万元（{d}%）" },
    series: [{ type: "pie", radius: ["35%", "70%"], data: data.categories }]
  });
})();
