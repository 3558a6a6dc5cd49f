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
    // attributes, which the Content-Security-Policy refuses. Kept inside the chart, so that
    // on a phone a tooltip is not cut at the screen's edge.
    option.tooltip = Object.assign({ renderMode: "richText", confine: true }, option.tooltip);
    chart.setOption(Object.assign({ animation: false, grid: { left: 48, right: 16, top: 24, bottom: 48 } }, option));
    charts.push(chart);
  }

  // The names go in a legend under the ring, which wraps onto as many lines as it needs:
  // labels beside the ring were cut ("监测…", "已脱贫（…") on a 360 px phone and even on a
  // desktop. The ring carries the counts, small slices none.
  draw("chart-status", {
    tooltip: { trigger: "item" },
    legend: { bottom: 0, left: "center", itemWidth: 12, itemHeight: 12, itemGap: 8 },
    series: [
      {
        type: "pie",
        radius: ["30%", "58%"],
        center: ["50%", "42%"],
        label: { position: "inside", formatter: "{c}", color: "#fff" },
        labelLine: { show: false },
        minShowLabelAngle: 18,
        data: data.status.map(([name, value]) => ({ name, value })),
      },
    ],
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
  // Projects of the year by kind, one colour a stage, stacked.
  if (data.project_kinds) {
    const SHADES = ["#9aa0a6", "#f2b8b5", "#e46962", "#b3261e", "#601410", "#5f6368"];
    draw("chart-project-kinds", {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, itemWidth: 12, itemHeight: 12 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.project_kinds.kinds, inverse: true },
      grid: { left: 64, right: 16, top: 8, bottom: 56 },
      series: data.project_kinds.stages.map(([name, values], i) => ({
        name, type: "bar", stack: "stage", data: values, itemStyle: { color: SHADES[i % SHADES.length] },
      })),
    });
  }
  draw("chart-funds", {
    tooltip: { trigger: "axis" },
    legend: { data: [words.allocated, words.paid], bottom: 0 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: data.funds.map((f) => f[0]), inverse: true },
    grid: { left: 80, right: 16, top: 8, bottom: 48 },
    series: [
      { name: words.allocated, type: "bar", data: data.funds.map((f) => f[1]), itemStyle: { color: GREY } },
      { name: words.paid, type: "bar", data: data.funds.map((f) => f[2]), itemStyle: { color: RED } },
    ],
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
