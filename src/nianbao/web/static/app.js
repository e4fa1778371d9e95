// nianbao web: small helpers (no build step). Charts: ECharts with svg renderer and no
// animation; window.chartReady is set once every chart on the page has its option.
(function () {
  "use strict";

  // ---- review buttons: the clicked button decides the status
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("form.review button[data-status]");
    if (btn) {
      btn.form.querySelector("input[name=status]").value = btn.getAttribute("data-status");
    }
    var link = ev.target.closest && ev.target.closest("a.cell-link");
    if (link) {
      var item = link.closest(".finding");
      document.querySelectorAll("td.v.focus").forEach(function (el) { el.classList.remove("focus"); });
      (item ? item.getAttribute("data-cells").split(" ") : []).forEach(function (fid) {
        var cell = document.getElementById("c-" + fid);
        if (cell) { cell.classList.add("focus"); }
      });
    }
  });

  // ---- review queue: a header checkbox selects every finding of its form
  document.addEventListener("change", function (ev) {
    var all = ev.target.closest && ev.target.closest("input[data-check-all]");
    if (!all || !all.form) { return; }
    all.form.querySelectorAll("input[type=checkbox][name=ids]").forEach(function (box) {
      if (!box.disabled) { box.checked = all.checked; }
    });
  });

  // ---- keyboard: Enter on a value cell opens its source; print buttons
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && ev.target.matches && ev.target.matches("td.v[data-fid]")) {
      ev.target.click();
    }
  });
  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("[data-print]")) { window.print(); }
  });

  // ---- upload: drag and drop, many files, progress via the job partial
  function setupUpload() {
    var form = document.getElementById("upload-form");
    if (!form) { return; }
    var input = document.getElementById("files");
    var drop = document.getElementById("drop");
    var chosen = document.getElementById("chosen");
    var status = document.getElementById("upload-status");
    var files = [];
    function show() {
      chosen.textContent = "";
      files.forEach(function (f) {
        var li = document.createElement("li");
        li.textContent = f.name + "（" + f.size + " 字节）";
        chosen.appendChild(li);
      });
    }
    input.addEventListener("change", function () { files = Array.prototype.slice.call(input.files); show(); });
    ["dragenter", "dragover"].forEach(function (n) {
      drop.addEventListener(n, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (n) {
      drop.addEventListener(n, function (e) { e.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      files = files.concat(Array.prototype.slice.call(e.dataTransfer.files)); show();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!files.length) { status.textContent = "请先选择或拖入文件。"; return; }
      var data = new FormData();
      files.forEach(function (f) { data.append("files", f, f.name); });
      status.textContent = "正在上传……";
      var meta = document.querySelector("meta[name=csrf-token]");
      fetch("/api/v1/uploads", {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRF-Token": meta ? meta.getAttribute("content") : "" }
      })
        .then(function (r) { return r.json().then(function (j) { return [r, j]; }); })
        .then(function (rj) {
          var r = rj[0], j = rj[1];
          if (!r.ok) {
            status.textContent = "";
            var div = document.createElement("div");
            div.className = "alert error";
            div.textContent = j.error || "上传失败。";
            status.appendChild(div);
            return;
          }
          return fetch("/upload/jobs/" + j.id, { headers: { "HX-Request": "true" } })
            .then(function (r2) { return r2.text(); })
            .then(function (html) {
              status.innerHTML = html;  // server-rendered, autoescaped partial
              if (window.htmx && htmx.process) { htmx.process(status); }
              files = []; show(); input.value = "";
            });
        })
        .catch(function () { status.textContent = "上传失败：无法连接服务器。"; });
    });
  }

  // ---- charts
  function setupCharts() {
    var els = document.querySelectorAll("div.chart[data-chart]");
    if (!els.length || !window.echarts) { return; }
    els.forEach(function (el) {
      var spec = JSON.parse(el.getAttribute("data-chart"));
      var years = JSON.parse(el.getAttribute("data-years")).map(function (y) { return y + "年"; });
      var series = spec.series.map(function (s) {
        return { name: s.name, type: "bar", stack: el.id === "chart-received" || el.id === "chart-denied" || el.id === "chart-unable" ? "n" : undefined, data: s.data, barMaxWidth: 40 };
      });
      var lines = (spec.lines && spec.lines.length ? spec.lines : (spec.line ? [spec.line] : []));
      lines.forEach(function (l) {
        series.push({ name: l.name, type: "line", yAxisIndex: 1, data: l.data, connectNulls: false, label: { show: true, formatter: "{c}%" } });
      });
      var yAxis = [{ type: "value", name: "件", minInterval: 1 }];
      if (lines.length) { yAxis.push({ type: "value", name: "%", min: 0, max: 100 }); }
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 50, right: 50, top: 40, bottom: 30 },
        xAxis: { type: "category", data: years },
        yAxis: yAxis,
        series: series
      });
    });
    window.chartReady = true;
  }

  function setupRankingChart() {
    var el = document.querySelector("div.chart[data-kind=hbar]");
    if (!el || !window.echarts) { return; }
    var pct = el.getAttribute("data-unit") === "%";
    var names = JSON.parse(el.getAttribute("data-names")).reverse();
    var values = JSON.parse(el.getAttribute("data-values")).map(function (v) {
      return pct ? Math.round(v * 1000) / 10 : v;
    }).reverse();
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 260, right: 60, top: 10, bottom: 30 },
      xAxis: { type: "value", name: pct ? "%" : "件", max: pct ? 100 : null },
      yAxis: { type: "category", data: names, axisLabel: { width: 240, overflow: "truncate" } },
      series: [{ type: "bar", data: values, label: { show: true, position: "right", formatter: pct ? "{c}%" : "{c}" } }]
    });
    window.chartReady = true;
  }

  function ready() { setupUpload(); setupCharts(); setupRankingChart(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
