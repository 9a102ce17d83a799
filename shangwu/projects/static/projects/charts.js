// Project charts (ECharts), drawn from the JSON the page renders with json_script:
// the "三个一批" funnel and quarterly trend, and a project's money in place by month.
(function () {
  if (typeof echarts === "undefined") { return; }
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var batches = data("batches-data");
  if (batches) {
    draw("funnel-chart", {
      tooltip: { trigger: "item", formatter: "{b}：{c} 个" },
      series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "10%",
                 label: { show: true, position: "inside", formatter: "{b} {c}" },
                 data: batches.funnel }]
    });
    var trend = batches.trend;
    var series = trend.series.map(function (s) {
      return s.kind === "count"
        ? { name: s.name, type: "bar", data: s.data }
        : { name: s.name, type: "line", yAxisIndex: 1, data: s.data };
    });
    draw("trend-chart", {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { top: 60, left: 50, right: 60, bottom: 30 },
      xAxis: { type: "category", data: trend.labels },
      yAxis: [{ type: "value", name: "项目数（个）", minInterval: 1 }, { type: "value", name: "总投资（亿元）" }],
      series: series
    });
  }
  var funds = data("funds-data");
  if (funds) {
    draw("funds-chart", {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { top: 40, left: 60, right: 60, bottom: 30 },
      xAxis: { type: "category", data: funds.months },
      yAxis: [{ type: "value", name: "万元" }, { type: "value", name: "万美元" }],
      series: [
        { name: "省外资金（万元）", type: "bar", stack: "funds", data: funds.outside },
        { name: "境外资金（万元）", type: "bar", stack: "funds", data: funds.overseas },
        { name: "实际使用外资（万美元）", type: "line", yAxisIndex: 1, data: funds.fdi }
      ]
    });
  }
})();
