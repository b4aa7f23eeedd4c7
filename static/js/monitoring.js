/* The monitoring board's charts: open red and yellow warnings per district and per sector department (ECharts,
   served from our static files); a click on a bar opens the warnings behind it. The figures come from the
   page's #monitoring-data JSON (the API's shape). */
(function () {
  "use strict";

  var dataElement = document.getElementById("monitoring-data");
  if (!dataElement || typeof echarts === "undefined") { return; }
  var payload = JSON.parse(dataElement.textContent);
  var board = payload.board;
  var COLORS = { red: "#c62828", yellow: "#f9a825" };

  function listUrl(kind, unit, level) {
    var query = new URLSearchParams({ state: "open", level: level });
    query.set(kind === "district" ? "district" : "sector", unit);
    return payload.list_url + "?" + query.toString();
  }

  function draw(element) {
    var rows = board[element.dataset.chart] || [];
    var chart = echarts.init(element);
    chart.setOption({
      // The tooltip is drawn on the canvas: an HTML tooltip would need inline style attributes, which the
      // Content-Security-Policy (style-src 'self') refuses.
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 80 },
      xAxis: { type: "category", data: rows.map(function (row) { return row.name; }),
               axisLabel: { interval: 0, rotate: rows.length > 8 ? 45 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: ["red", "yellow"].map(function (level) {
        return { name: payload.labels[level], type: "bar", stack: "warnings", itemStyle: { color: COLORS[level] },
                 data: rows.map(function (row) { return row[level]; }) };
      })
    });
    chart.on("click", function (params) {
      var row = rows[params.dataIndex];
      var level = params.seriesIndex === 0 ? "red" : "yellow";
      if (row) { window.location.href = listUrl(row.kind, row.unit, level); }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    element.dataset.ready = "true";
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
}());
