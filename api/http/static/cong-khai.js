// /cong-khai: the public "3 giảm, 3 tăng" scoreboard over the last 12 months, from the
// public statistics queries (publicStatistics, agencyRanking, procedureTable).
(function () {
  "use strict";
  window.MOTCUA_TEXT = {
    vi: {
      title: "Công khai kết quả giải quyết thủ tục hành chính — Hà Nội",
      navLabel: "Trang công khai",
      heading: "Công khai kết quả “3 giảm, 3 tăng”",
      lead: "12 tháng gần nhất",
      periodFrom: "Từ ngày",
      periodTo: "đến ngày",
      loading: "Đang tải số liệu…",
      loaded: "Đã cập nhật số liệu.",
      failed: "Không tải được số liệu",
      kpiHeading: "Chỉ số chung",
      trendHeading: "Xu hướng theo tháng",
      onTimeTrend: "Tỷ lệ giải quyết đúng hạn (%)",
      satisfactionTrend: "Mức độ hài lòng (%)",
      trendTable: "Xem số liệu dạng bảng",
      rankingHeading: "Xếp hạng cơ quan",
      proceduresHeading: "Theo thủ tục hành chính",
      month: "Tháng",
      rank: "Hạng",
      score: "Điểm",
      agency: "Cơ quan",
      procedure: "Thủ tục",
      received: "Tiếp nhận",
      resolved: "Đã giải quyết",
      inProgress: "Đang giải quyết",
      overdueInProgress: "Đang quá hạn",
      onTimeRate: "Đúng hạn",
      satisfaction: "Hài lòng",
      workingDaysSaved: "Ngày làm việc tiết kiệm",
      averageProcessingDays: "Thời gian giải quyết TB (ngày)",
      legalProcessingDays: "Thời hạn luật định (ngày)",
      onlineShare: "Nộp trực tuyến",
      digitisationRate: "Số hoá hồ sơ",
      complaintsAnsweredOnTimeRate: "Phản ánh trả lời đúng hạn",
      empty: "Chưa có số liệu trong kỳ.",
    },
    en: {
      title: "Public scoreboard of administrative procedures — Hà Nội",
      navLabel: "Public pages",
      heading: "“3 reduces, 3 increases” scoreboard",
      lead: "Last 12 months",
      periodFrom: "From",
      periodTo: "to",
      loading: "Loading figures…",
      loaded: "Figures updated.",
      failed: "Could not load the figures",
      kpiHeading: "Overall indicators",
      trendHeading: "Monthly trend",
      onTimeTrend: "Resolved on time (%)",
      satisfactionTrend: "Satisfaction (%)",
      trendTable: "Show the figures as a table",
      rankingHeading: "Agency ranking",
      proceduresHeading: "By procedure",
      month: "Month",
      rank: "Rank",
      score: "Score",
      agency: "Agency",
      procedure: "Procedure",
      received: "Received",
      resolved: "Resolved",
      inProgress: "In progress",
      overdueInProgress: "Overdue",
      onTimeRate: "On time",
      satisfaction: "Satisfied",
      workingDaysSaved: "Working days saved",
      averageProcessingDays: "Average processing (days)",
      legalProcessingDays: "Legal time limit (days)",
      onlineShare: "Submitted online",
      digitisationRate: "Dossiers digitised",
      complaintsAnsweredOnTimeRate: "Complaints answered on time",
      empty: "No figures for this period.",
    },
  };

  var INDICATORS =
    "received resolved inProgress overdueInProgress onTimeRate averageProcessingDays " +
    "legalProcessingDays workingDaysSaved onlineShare digitisationRate satisfaction " +
    "ratings { satisfied normal dissatisfied } complaintsAnsweredOnTimeRate";
  var STATISTICS_QUERY =
    "query PublicStatistics($from: Date!, $to: Date!) {" +
    " publicStatistics(from: $from, to: $to, granularity: MONTH) {" +
    " totals { " + INDICATORS + " }" +
    " series { period start indicators { onTimeRate satisfaction received resolved } } } }";
  var RANKING_QUERY =
    "query AgencyRanking($from: Date!, $to: Date!) {" +
    " agencyRanking(from: $from, to: $to) { rank score agency { code name nameEn }" +
    " indicators { received resolved onTimeRate satisfaction workingDaysSaved onlineShare } } }";
  var PROCEDURES_QUERY =
    "query ProcedureTable($from: Date!, $to: Date!) {" +
    " procedureTable(from: $from, to: $to) { procedure { code name nameEn }" +
    " indicators { received resolved onTimeRate averageProcessingDays legalProcessingDays" +
    " workingDaysSaved satisfaction } } }";

  var m = window.motcua;
  var state = { statistics: null, ranking: null, procedures: null, error: null };
  var charts = [];

  function isoDate(date) {
    var month = String(date.getMonth() + 1).padStart(2, "0");
    var day = String(date.getDate()).padStart(2, "0");
    return date.getFullYear() + "-" + month + "-" + day;
  }

  // The current month and the 11 before it, to today.
  function period() {
    var today = new Date();
    var start = new Date(today.getFullYear(), today.getMonth() - 11, 1);
    return { from: isoDate(start), to: isoDate(today) };
  }

  function displayName(item) {
    return m.lang() === "en" && item.nameEn ? item.nameEn : item.name;
  }

  function monthLabel(start) {
    var parts = start.split("-");
    var date = new Date(Number(parts[0]), Number(parts[1]) - 1, 1);
    return new Intl.DateTimeFormat(m.lang() === "vi" ? "vi-VN" : "en-GB", { month: "short", year: "numeric" }).format(date);
  }

  // columns: [label key, value(row) -> string, numeric?, row header?, wide?]
  function table(caption, columns, rows, id) {
    if (!rows.length) return m.el("p", { text: m.t("empty") });
    var head = m.el("tr", {}, columns.map(function (c) {
      return m.el("th", { scope: "col", "class": c[2] ? "num" : "", text: m.t(c[0]) });
    }));
    var body = rows.map(function (row) {
      return m.el("tr", {}, columns.map(function (c, index) {
        var cell = index === 0 && c[3] ? "th" : "td";
        var attrs = { "class": c[2] ? "num" : c[4] ? "name" : "", text: c[1](row) };
        if (cell === "th") attrs.scope = "row";
        return m.el(cell, attrs);
      }));
    });
    return m.el("table", { id: id }, [
      m.el("caption", { "class": "visually-hidden", text: caption }),
      m.el("thead", {}, [head]),
      m.el("tbody", {}, body),
    ]);
  }

  function kpi(key, value) {
    return m.el("div", { "class": "kpi" }, [
      m.el("span", { "class": "value", text: value }),
      m.el("span", { "class": "label", text: m.t(key) }),
    ]);
  }

  function renderKpis() {
    var box = document.getElementById("kpis");
    box.textContent = "";
    if (!state.statistics) return;
    var totals = state.statistics.totals;
    [
      ["received", m.formatNumber(totals.received, 0)],
      ["resolved", m.formatNumber(totals.resolved, 0)],
      ["onTimeRate", m.formatPercent(totals.onTimeRate)],
      ["workingDaysSaved", m.formatNumber(totals.workingDaysSaved)],
      ["averageProcessingDays", m.formatNumber(totals.averageProcessingDays)],
      ["legalProcessingDays", m.formatNumber(totals.legalProcessingDays)],
      ["onlineShare", m.formatPercent(totals.onlineShare)],
      ["digitisationRate", m.formatPercent(totals.digitisationRate)],
      ["satisfaction", m.formatPercent(totals.satisfaction)],
      ["overdueInProgress", m.formatNumber(totals.overdueInProgress, 0)],
    ].forEach(function (item) { box.appendChild(kpi(item[0], item[1])); });
  }

  function percentSeries(points, key) {
    return points.map(function (p) {
      var value = p.indicators[key];
      return value === null || value === undefined ? null : Math.round(value * 10) / 10;
    });
  }

  function lineChart(canvasId, label, values, labels, colour) {
    var canvas = document.getElementById(canvasId);
    var chart = new window.Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: [{
          label: label, data: values, borderColor: colour, backgroundColor: colour,
          borderWidth: 3, pointRadius: 4, spanGaps: true, tension: 0,
        }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          y: { suggestedMin: 0, suggestedMax: 100, ticks: { color: "#1b1b1b", callback: function (v) { return v + "%"; } } },
          x: { ticks: { color: "#1b1b1b", maxRotation: 0, autoSkip: true } },
        },
        plugins: { legend: { display: false } },
      },
    });
    canvas.setAttribute("data-rendered", "true");
    return chart;
  }

  function renderCharts() {
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    if (!state.statistics || !window.Chart) return;
    var points = state.statistics.series;
    var labels = points.map(function (p) { return monthLabel(p.start); });
    charts.push(lineChart("on-time-chart", m.t("onTimeTrend"), percentSeries(points, "onTimeRate"), labels, "#0b4f8a"));
    charts.push(lineChart("satisfaction-chart", m.t("satisfactionTrend"), percentSeries(points, "satisfaction"), labels, "#1d6b31"));
    var box = document.getElementById("trend-table");
    box.textContent = "";
    box.appendChild(table(m.t("trendHeading"), [
      ["month", function (p) { return monthLabel(p.start); }, false, true],
      ["received", function (p) { return m.formatNumber(p.indicators.received, 0); }, true],
      ["resolved", function (p) { return m.formatNumber(p.indicators.resolved, 0); }, true],
      ["onTimeRate", function (p) { return m.formatPercent(p.indicators.onTimeRate); }, true],
      ["satisfaction", function (p) { return m.formatPercent(p.indicators.satisfaction); }, true],
    ], points, "trend"));
  }

  function renderRanking() {
    var box = document.getElementById("ranking");
    box.textContent = "";
    if (!state.ranking) return;
    box.appendChild(table(m.t("rankingHeading"), [
      ["rank", function (r) { return String(r.rank); }, true, true],
      ["agency", function (r) { return displayName(r.agency); }, false, false, true],
      ["score", function (r) { return m.formatNumber(r.score); }, true],
      ["received", function (r) { return m.formatNumber(r.indicators.received, 0); }, true],
      ["resolved", function (r) { return m.formatNumber(r.indicators.resolved, 0); }, true],
      ["onTimeRate", function (r) { return m.formatPercent(r.indicators.onTimeRate); }, true],
      ["onlineShare", function (r) { return m.formatPercent(r.indicators.onlineShare); }, true],
      ["satisfaction", function (r) { return m.formatPercent(r.indicators.satisfaction); }, true],
      ["workingDaysSaved", function (r) { return m.formatNumber(r.indicators.workingDaysSaved); }, true],
    ], state.ranking, "ranking-table"));
  }

  function renderProcedures() {
    var box = document.getElementById("procedures");
    box.textContent = "";
    if (!state.procedures) return;
    box.appendChild(table(m.t("proceduresHeading"), [
      ["procedure", function (r) { return displayName(r.procedure); }, false, true, true],
      ["received", function (r) { return m.formatNumber(r.indicators.received, 0); }, true],
      ["resolved", function (r) { return m.formatNumber(r.indicators.resolved, 0); }, true],
      ["onTimeRate", function (r) { return m.formatPercent(r.indicators.onTimeRate); }, true],
      ["averageProcessingDays", function (r) { return m.formatNumber(r.indicators.averageProcessingDays); }, true],
      ["legalProcessingDays", function (r) { return m.formatNumber(r.indicators.legalProcessingDays); }, true],
      ["workingDaysSaved", function (r) { return m.formatNumber(r.indicators.workingDaysSaved); }, true],
      ["satisfaction", function (r) { return m.formatPercent(r.indicators.satisfaction); }, true],
    ], state.procedures, "procedure-table"));
  }

  function renderStatus(done) {
    var status = document.getElementById("status");
    var range = period();
    document.getElementById("period").textContent =
      m.t("lead") + " (" + m.t("periodFrom") + " " + range.from + " " + m.t("periodTo") + " " + range.to + ")";
    if (state.error) {
      status.className = "message";
      status.textContent = m.t("failed") + ": " + state.error;
    } else {
      status.className = "message info";
      status.textContent = m.t(done ? "loaded" : "loading");
    }
  }

  var loaded = false;
  function render() {
    renderStatus(loaded);
    renderKpis();
    renderCharts();
    renderRanking();
    renderProcedures();
  }

  function load() {
    var range = period();
    var fail = function (error) { state.error = error.message; };
    Promise.all([
      m.gql(STATISTICS_QUERY, range).then(function (d) { state.statistics = d.publicStatistics; }, fail),
      m.gql(RANKING_QUERY, range).then(function (d) { state.ranking = d.agencyRanking; }, fail),
      m.gql(PROCEDURES_QUERY, range).then(function (d) { state.procedures = d.procedureTable; }, fail),
    ]).then(function () {
      loaded = true;
      render();
      document.body.setAttribute("data-loaded", "true");
    });
  }

  m.onLangChange(render);
  document.addEventListener("DOMContentLoaded", load);
})();
