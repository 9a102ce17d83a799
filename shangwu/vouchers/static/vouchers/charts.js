// The campaign's daily redemption curve (ECharts), drawn from the JSON the page renders with
// json_script: vouchers redeemed per day (bars) and consumption driven and subsidy (lines).
(function () {
  if (typeof echarts === "undefined") { return; }
  var source = document.getElementById("voucher-curve-data");
  var el = document.getElementById("voucher-curve");
  if (!source || !el) { return; }
  var curve = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { top: 40, left: 60, right: 60, bottom: 30 },
    xAxis: { type: "category", data: curve.days },
    yAxis: [{ type: "value", name: "张", minInterval: 1 }, { type: "value", name: "万元" }],
    series: [
      { name: "核销（张）", type: "bar", data: curve.count },
      { name: "带动消费（万元）", type: "line", yAxisIndex: 1, data: curve.order },
      { name: "补贴金额（万元）", type: "line", yAxisIndex: 1, data: curve.discount }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
