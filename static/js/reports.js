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
  // The big screen (data-theme="dark") is read from across a room: light text, large type.
  function dark(element) { return element.dataset.theme === "dark"; }
  function size(element, normal) { return dark(element) ? Math.round(normal * 1.5) : normal; }
  function textColor(element) { return dark(element) ? "#e3ecf7" : "#1f2933"; }
  function gridLines(element) { return { lineStyle: { color: dark(element) ? "#1f3b5c" : "#e4e9f0" } }; }
  function text(element) { return { color: textColor(element), fontSize: size(element, 12) }; }
  function title(element, label) {
    return { text: label, left: "center", top: 4,
             textStyle: { fontSize: size(element, 14), fontWeight: "bold", color: textColor(element) } };
  }
  function axisLabel(element, extra) { return Object.assign({ fontSize: size(element, 12), color: textColor(element) }, extra || {}); }
  // Units with something to show; every unit while none has (an empty period still draws the axis).
  // The big screen shows the units holding the most clues, so every bar and name reads from afar.
  var SCREEN_UNITS = 10;
  function unitRows(r, element) {
    var rows = activeUnits(r);
    if (!dark(element) || rows.length <= SCREEN_UNITS) { return rows; }
    return rows.slice().sort(function (a, b) { return b.held - a.held; }).slice(0, SCREEN_UNITS);
  }
  function activeUnits(r) {
    var active = r.by_unit.filter(function (row) { return row.assigned > 0 || row.held > 0; });
    return active.length ? active : r.by_unit;
  }

  var builders = {
    trend: function (r, element) {
      return {
        textStyle: text(element),
        title: title(element, labels.trend_title),
        tooltip: { trigger: "axis" },
        legend: { top: size(element, 26), textStyle: text(element), itemWidth: size(element, 20),
                  itemHeight: size(element, 12) },
        grid: { left: size(element, 48), right: size(element, 56), top: size(element, 72), bottom: size(element, 32) },
        xAxis: { type: "category", data: r.trend.map(function (row) { return row.label; }),
                 axisLabel: axisLabel(element) },
        yAxis: [{ type: "value", name: labels.units, minInterval: 1, splitLine: gridLines(element),
                  axisLabel: axisLabel(element), nameTextStyle: text(element) },
                { type: "value", name: "%", min: 0, max: 100, splitLine: { show: false },
                  axisLabel: axisLabel(element), nameTextStyle: text(element) }],
        series: [
          { name: labels.collected, type: "bar", data: r.trend.map(function (row) { return row.collected; }),
            itemStyle: { color: "#1565c0" } },
          { name: labels.closed, type: "bar", data: r.trend.map(function (row) { return row.closed; }),
            itemStyle: { color: "#2e7d32" } },
          { name: labels.completion_rate, type: "line", yAxisIndex: 1, symbolSize: size(element, 6),
            lineStyle: { width: size(element, 2) },
            data: r.trend.map(function (row) { return row.completion_rate; }), itemStyle: { color: "#ef6c00" } }
        ]
      };
    },
    units: function (r, element) {
      var rows = unitRows(r, element).slice().reverse();
      var shown = dark(element) && activeUnits(r).length > SCREEN_UNITS ? labels.by_unit_top : labels.by_unit;
      return {
        textStyle: text(element),
        title: title(element, shown),
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: size(element, 64), top: size(element, 40), bottom: size(element, 24), containLabel: true },
        xAxis: { type: "value", min: 0, max: 100, axisLabel: axisLabel(element, { formatter: "{value}%" }),
                 splitLine: gridLines(element) },
        yAxis: { type: "category", data: rows.map(function (row) { return row.name; }),
                 axisLabel: axisLabel(element, { interval: 0 }) },
        series: [{
          name: labels.completion_rate, type: "bar",
          data: rows.map(function (row) {
            return { value: row.completion_rate === null ? 0 : row.completion_rate,
                     itemStyle: { color: row.flagged ? "#c62828" : "#2e7d32" } };
          }),
          label: { show: true, position: "right", formatter: "{c}%", color: textColor(element),
                   fontSize: size(element, 12) },
          markLine: { symbol: "none", silent: true,
                      data: [{ xAxis: r.completion_target }],
                      label: { formatter: labels.target + " " + r.completion_target + "%", position: "end",
                               color: dark(element) ? "#ffab91" : "#b71c1c", fontSize: size(element, 12) },
                      lineStyle: { color: dark(element) ? "#ff8a65" : "#b71c1c", type: "dashed", width: size(element, 1) } }
        }]
      };
    },
    channel: function (r, element) {
      return {
        textStyle: text(element),
        title: title(element, labels.by_channel),
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        series: [{
          type: "pie", radius: ["30%", "55%"], center: ["50%", "55%"],
          label: { color: textColor(element), fontSize: size(element, 12), formatter: "{b}\n{c}" },
          data: r.by_channel.filter(function (row) { return row.collected > 0; })
            .map(function (row) { return { name: row.label, value: row.collected, code: row.channel }; })
        }]
      };
    },
    risk: function (r, element) {
      // No legend: each bar is its level's own colour (solid: collected, pale: closed) and says what it is.
      function pale(hex) {  // the same colour, lighter (half-way to white): visible on both backgrounds
        var n = parseInt(hex.slice(1), 16);
        var channels = [n >> 16, (n >> 8) & 255, n & 255].map(function (c) { return Math.round(c + (255 - c) * 0.5); });
        return "rgb(" + channels.join(",") + ")";
      }
      function bar(row, value, closed) {
        var colour = payload.risk_colors[row.risk_color];
        return { value: value, itemStyle: { color: closed ? pale(colour) : colour } };
      }
      function label(name) {
        return { show: true, position: "top", color: textColor(element), fontSize: size(element, 12),
                 formatter: function (p) { return name + " " + p.value; } };
      }
      return {
        textStyle: text(element),
        title: title(element, labels.by_risk),
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: size(element, 40), right: 16, top: size(element, 56), bottom: size(element, 30) },
        xAxis: { type: "category", data: r.by_risk_color.map(function (row) { return row.label; }),
                 axisLabel: axisLabel(element) },
        yAxis: { type: "value", minInterval: 1, splitLine: gridLines(element), axisLabel: axisLabel(element) },
        series: [
          { name: labels.collected, type: "bar", label: label(labels.collected_short),
            data: r.by_risk_color.map(function (row) { return bar(row, row.collected, false); }) },
          { name: labels.closed, type: "bar", label: label(labels.closed_short),
            data: r.by_risk_color.map(function (row) { return bar(row, row.closed, true); }) }
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
    units: function (p, element) {
      var rows = unitRows(report, element);
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
          var url = targets[kind](params, element);
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
    var start = today.slice(0, 8) + "01";
    if (screen.dataset.preset === "year") { start = today.slice(0, 4) + "-01-01"; }
    if (screen.dataset.preset === "recent") {  // this month and the two before it
      var index = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1 - 2;
      start = Math.floor(index / 12) + "-" + String(index % 12 + 1).padStart(2, "0") + "-01";
    }
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
