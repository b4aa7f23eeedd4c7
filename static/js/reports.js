/* Report board and big screen: ECharts charts (served from our static files), drill-down on click,
   sortable league table, and the big screen's self-refresh. The figures come from the page's
   #report-data JSON (the API's shape) and, on the big screen, from the API itself. */
(function () {
  "use strict";

  var dataElement = document.getElementById("report-data");
  if (!dataElement) { return; }
  var payload = JSON.parse(dataElement.textContent);
  var report = payload.report;
  var labels = payload.labels;
  var charts = {};

  // --- formatting, as the server formats (reports/templatetags/report_format.py) ----------------------
  function rate(value) { return value === null || value === undefined ? "—" : value.toFixed(2) + "%"; }
  function strip(text) { return text.indexOf(".") < 0 ? text : text.replace(/0+$/, "").replace(/\.$/, ""); }
  function wan(value) { return strip((Number(value || 0) / 10000).toFixed(2)) || "0"; }
  function days(value) { return value === null || value === undefined ? "—" : strip(Number(value).toFixed(1)); }
  var FORMAT = {
    completion_rate: rate, departments_completion_rate: rate, closed_on_time_rate: rate,
    satisfaction_rate: rate, amount_recovered: wan, median_working_days_to_close: days
  };

  function drill(params) {
    var query = new URLSearchParams({ start: report.period.start, end: report.period.end });
    Object.keys(params).forEach(function (key) { query.set(key, params[key]); });
    return payload.drill_url + "?" + query.toString();
  }

  // --- charts ---------------------------------------------------------------------------------------
  function dark(element) { return element.dataset.theme === "dark"; }
  function textColor(element) { return dark(element) ? "#e3ecf7" : "#1f2933"; }
  function gridLines(element) { return { lineStyle: { color: dark(element) ? "#1f3b5c" : "#e4e9f0" } }; }
  // Units with something to show; every unit while none has (an empty period still draws the axis).
  function activeUnits(r) {
    var active = r.by_unit.filter(function (row) { return row.assigned > 0 || row.held > 0; });
    return active.length ? active : r.by_unit;
  }

  var builders = {
    trend: function (r, element) {
      return {
        textStyle: { color: textColor(element) },
        tooltip: { trigger: "axis" },
        legend: { textStyle: { color: textColor(element) } },
        grid: { left: 48, right: 56, top: 40, bottom: 40 },
        xAxis: { type: "category", data: r.trend.map(function (row) { return row.label; }) },
        yAxis: [{ type: "value", name: labels.units, minInterval: 1, splitLine: gridLines(element) },
                { type: "value", name: "%", min: 0, max: 100, splitLine: { show: false } }],
        series: [
          { name: labels.collected, type: "bar", data: r.trend.map(function (row) { return row.collected; }),
            itemStyle: { color: "#1565c0" } },
          { name: labels.closed, type: "bar", data: r.trend.map(function (row) { return row.closed; }),
            itemStyle: { color: "#2e7d32" } },
          { name: labels.completion_rate, type: "line", yAxisIndex: 1,
            data: r.trend.map(function (row) { return row.completion_rate; }), itemStyle: { color: "#ef6c00" } }
        ]
      };
    },
    units: function (r, element) {
      var rows = activeUnits(r).slice().reverse();
      return {
        textStyle: { color: textColor(element) },
        title: { text: labels.by_unit, left: "center", textStyle: { fontSize: 14, color: textColor(element) } },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 48, top: 36, bottom: 24, containLabel: true },
        xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" },
                 splitLine: gridLines(element) },
        yAxis: { type: "category", data: rows.map(function (row) { return row.name; }) },
        series: [{
          name: labels.completion_rate, type: "bar",
          data: rows.map(function (row) {
            return { value: row.completion_rate === null ? 0 : row.completion_rate,
                     itemStyle: { color: row.flagged ? "#c62828" : "#2e7d32" } };
          }),
          label: { show: true, position: "right", formatter: "{c}%", color: textColor(element) },
          markLine: { symbol: "none", data: [{ xAxis: r.completion_target, name: labels.target }],
                      lineStyle: { color: "#b71c1c", type: "dashed" } }
        }]
      };
    },
    channel: function (r, element) {
      return {
        textStyle: { color: textColor(element) },
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        series: [{
          type: "pie", radius: ["30%", "55%"],
          label: { color: textColor(element), formatter: "{b}\n{c}" },
          data: r.by_channel.filter(function (row) { return row.collected > 0; })
            .map(function (row) { return { name: row.label, value: row.collected, code: row.channel }; })
        }]
      };
    },
    risk: function (r, element) {
      return {
        textStyle: { color: textColor(element) },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { textStyle: { color: textColor(element) } },
        grid: { left: 40, right: 16, top: 40, bottom: 30 },
        xAxis: { type: "category", data: r.by_risk_color.map(function (row) { return row.label; }) },
        yAxis: { type: "value", minInterval: 1, splitLine: gridLines(element) },
        series: [
          { name: labels.collected, type: "bar", data: r.by_risk_color.map(function (row) {
            return { value: row.collected, itemStyle: { color: payload.risk_colors[row.risk_color] } };
          }) },
          { name: labels.closed, type: "bar", data: r.by_risk_color.map(function (row) { return row.closed; }),
            itemStyle: { color: "#829ab1" } }
        ]
      };
    }
  };

  // Where a click on a chart element leads: the clues behind it.
  var targets = {
    trend: function (p) {
      var row = report.trend[p.dataIndex];
      return row && drill({ start: row.start, end: row.end, metric: p.seriesIndex === 1 ? "closed" : "collected" });
    },
    units: function (p) {
      var rows = activeUnits(report);
      var row = rows[rows.length - 1 - p.dataIndex];
      return row && drill({ metric: "held", unit: row.unit });
    },
    channel: function (p) { return p.data && drill({ metric: "collected", channel: p.data.code }); },
    risk: function (p) {
      var row = report.by_risk_color[p.dataIndex];
      return row && drill({ metric: p.seriesIndex === 1 ? "closed" : "collected", risk_color: row.risk_color });
    }
  };

  function renderCharts() {
    if (typeof window.echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var kind = element.dataset.chart;
      if (!builders[kind]) { return; }
      var chart = charts[kind];
      if (kind === "units" && !dark(element)) {
        // One bar per unit shown: the chart grows with the number of units that had clues.
        var height = Math.max(220, activeUnits(report).length * 22 + 80) + "px";
        if (element.style.height !== height) { element.style.height = height; if (chart) { chart.resize(); } }
      }
      if (!chart) {
        chart = charts[kind] = window.echarts.init(element, null, { renderer: "canvas", locale: "ZH" });
        chart.on("click", function (params) {
          var url = targets[kind](params);
          if (url) { window.location.href = url; }
        });
      }
      chart.setOption(builders[kind](report, element), true);
      element.dataset.rendered = "true";
    });
  }

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (kind) { charts[kind].resize(); });
  });

  // --- sortable league table ------------------------------------------------------------------------
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headers = table.querySelectorAll("thead th[data-sort]");
    headers.forEach(function (th, index) {
      th.addEventListener("click", function () {
        var descending = !th.classList.contains("sorted-desc");
        headers.forEach(function (other) { other.classList.remove("sorted-asc", "sorted-desc"); });
        th.classList.add(descending ? "sorted-desc" : "sorted-asc");
        var numeric = th.dataset.sort === "num";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index].dataset.value, y = b.cells[index].dataset.value;
          var order = numeric ? Number(x) - Number(y) : x.localeCompare(y, "zh-CN");
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  // --- the big screen refreshes itself --------------------------------------------------------------
  function shanghaiToday() {
    return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  }

  function updateFigures() {
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var key = element.dataset.figure;
      if (!(key in report)) { return; }
      var format = FORMAT[key] || String;
      element.querySelector("[data-value]").textContent = format(report[key]);
      if (key === "overdue_now") { element.classList.toggle("alert", report[key] > 0); }
      if (key === "completion_rate") {
        element.classList.toggle("alert", report[key] !== null && report[key] < report.completion_target);
      }
    });
    var updated = document.querySelector("[data-updated]");
    if (updated) {
      updated.textContent = new Date(report.generated_at).toLocaleTimeString("zh-CN", {
        timeZone: "Asia/Shanghai", hour12: false });
    }
    var period = document.querySelector("[data-period]");
    if (period) { period.textContent = report.period.start + " 至 " + report.period.end; }
  }

  function refresh(screen) {
    var today = shanghaiToday();
    var start = screen.dataset.preset === "year" ? today.slice(0, 4) + "-01-01" : today.slice(0, 8) + "01";
    var url = payload.api_url + "?" + new URLSearchParams({ start: start, end: today }).toString();
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (fresh) {
        if (!fresh) { return; }
        report = fresh;
        updateFigures();
        renderCharts();
      })
      .catch(function () { /* the network is down: keep showing the last figures and try again later */ });
  }

  var screen = document.querySelector("[data-refresh]");
  if (screen) {
    var seconds = Math.max(10, Number(screen.dataset.refresh) || 60);
    window.setInterval(function () { refresh(screen); }, seconds * 1000);
  }

  renderCharts();
}());
