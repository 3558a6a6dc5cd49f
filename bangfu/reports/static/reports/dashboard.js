/* bangfu: the dashboard's charts, drawn with the ECharts the app serves itself.
   The figures come from the page (json_script); nothing is fetched. */
"use strict";
(function () {
  const source = document.getElementById("charts-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const words = document.getElementById("chart-words").dataset;
  const RED = "#b3261e";
  const GREY = "#9aa0a6";
  const charts = [];

  function draw(id, option) {
    const el = document.getElementById(id);
    if (!el) return;
    const chart = echarts.init(el, null, { renderer: "svg" });
    // Tooltips drawn in the chart itself: ECharts' HTML tooltips are markup with style=""
    // attributes, which the Content-Security-Policy refuses.
    option.tooltip = Object.assign({ renderMode: "richText" }, option.tooltip);
    chart.setOption(Object.assign({ animation: false, grid: { left: 48, right: 16, top: 24, bottom: 48 } }, option));
    charts.push(chart);
  }

  draw("chart-status", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.status.map(([name, value]) => ({ name, value })) }],
  });
  draw("chart-cause", {
    tooltip: {},
    xAxis: { type: "value" },
    yAxis: { type: "category", data: data.cause.map((c) => c[0]), inverse: true },
    grid: { left: 96, right: 16, top: 8, bottom: 24 },
    series: [{ type: "bar", data: data.cause.map((c) => c[1]), itemStyle: { color: RED } }],
  });
  draw("chart-days", {
    tooltip: { trigger: "axis" },
    legend: { data: [words.visits, words.fixed], bottom: 0 },
    xAxis: { type: "category", data: data.days.map((d) => d[0]) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      {
        name: words.visits,
        type: "bar",
        data: data.days.map(([, n, fixed]) => ({ value: n, itemStyle: { color: fixed ? RED : GREY } })),
      },
      // An empty series gives the fixed-day colour its place in the legend.
      { name: words.fixed, type: "bar", data: [], itemStyle: { color: RED } },
    ],
  });
  draw("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { data: [words.visits, words.rate], bottom: 0 },
    xAxis: { type: "category", data: data.trend.map((t) => t[0]) },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
    series: [
      { name: words.visits, type: "bar", data: data.trend.map((t) => t[1]), itemStyle: { color: GREY } },
      { name: words.rate, type: "line", yAxisIndex: 1, data: data.trend.map((t) => t[2]), itemStyle: { color: RED } },
    ],
  });
  draw("chart-compliance", {
    tooltip: {},
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: data.compliance.map((c) => c[0]), inverse: true },
    grid: { left: 96, right: 24, top: 8, bottom: 24 },
    series: [{ type: "bar", data: data.compliance.map((c) => c[1]), itemStyle: { color: RED } }],
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
