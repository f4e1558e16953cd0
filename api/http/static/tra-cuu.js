// /tra-cuu: look a dossier up with the public `publicDossierStatus` query.
(function () {
  "use strict";
  window.MOTCUA_TEXT = {
    vi: {
      title: "Tra cứu hồ sơ — Trung tâm Phục vụ hành chính công Hà Nội",
      navLabel: "Trang công khai",
      heading: "Tra cứu tình trạng hồ sơ",
      lead: "Nhập mã hồ sơ in trên giấy tiếp nhận và 4 số cuối giấy tờ tùy thân của người nộp.",
      formHeading: "Thông tin tra cứu",
      codeLabel: "Mã hồ sơ",
      codeHint: "Ví dụ: 000.00.01.H26-260101-0001",
      last4Label: "4 số cuối CCCD/CMND",
      last4Hint: "Của người nộp hồ sơ",
      submit: "Tra cứu",
      searching: "Đang tra cứu…",
      missingInput: "Vui lòng nhập mã hồ sơ và đúng 4 chữ số cuối giấy tờ tùy thân.",
      notFound: "Không tìm thấy hồ sơ khớp với mã và 4 số cuối đã nhập. Vui lòng kiểm tra lại.",
      resultHeading: "Hồ sơ",
      procedure: "Thủ tục",
      status: "Tình trạng",
      receivedAt: "Ngày tiếp nhận",
      appointmentAt: "Ngày hẹn trả kết quả",
      timeliness: "Tiến độ",
      agency: "Cơ quan giải quyết",
      progress: "Tiến trình",
      notRated: "Chưa xác định",
      endedWith: "Đã kết thúc",
      timelineNote: "Tiến trình hiển thị các bước chính của hồ sơ; chi tiết từng bước xử lý không được công khai.",
      RECEIVED: "Đã tiếp nhận",
      IN_PROGRESS: "Đang giải quyết",
      SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung",
      RESULT_READY: "Có kết quả",
      RETURNED: "Đã trả kết quả",
      REFUSED: "Không tiếp nhận",
      REJECTED: "Từ chối giải quyết",
      WITHDRAWN: "Đã rút hồ sơ",
      STOPPED: "Dừng xử lý",
      WAITING_FOR_INPUT: "Chờ kết quả thủ tục liên thông",
      EARLY: "Trước hạn",
      ON_TIME: "Đúng hạn",
      LATE: "Quá hạn",
      groupHeading: "Hồ sơ liên thông",
      groupName: "Nhóm thủ tục",
      groupDue: "Hạn giải quyết của cả nhóm",
      desk: "Nơi tiếp nhận",
      membersHeading: "Các thủ tục trong nhóm",
      memberCode: "Mã hồ sơ",
      GROUP_IN_PROGRESS: "Đang giải quyết",
      GROUP_PARTLY_DONE: "Có kết quả một phần",
      GROUP_DONE: "Đã có đủ kết quả",
      GROUP_REFUSED: "Không có kết quả",
      GROUP_WITHDRAWN: "Đã rút hồ sơ",
    },
    en: {
      title: "Dossier lookup — Hà Nội Public Administrative Service Centre",
      navLabel: "Public pages",
      heading: "Check a dossier's status",
      lead: "Enter the dossier code printed on the receipt and the last 4 digits of the applicant's ID.",
      formHeading: "Lookup details",
      codeLabel: "Dossier code",
      codeHint: "For example: 000.00.01.H26-260101-0001",
      last4Label: "Last 4 digits of the ID card",
      last4Hint: "The applicant's",
      submit: "Look up",
      searching: "Looking up…",
      missingInput: "Please enter the dossier code and exactly 4 digits of the ID.",
      notFound: "No dossier matches this code and these 4 digits. Please check them.",
      resultHeading: "Dossier",
      procedure: "Procedure",
      status: "Status",
      receivedAt: "Received",
      appointmentAt: "Result due",
      timeliness: "Timeliness",
      agency: "Handling agency",
      progress: "Progress",
      notRated: "Not yet known",
      endedWith: "Closed",
      timelineNote: "The progress shows the main stages of a dossier; individual processing steps are not public.",
      RECEIVED: "Received",
      IN_PROGRESS: "In progress",
      SUPPLEMENT_REQUESTED: "Supplement requested",
      RESULT_READY: "Result ready",
      RETURNED: "Result returned",
      REFUSED: "Not accepted at reception",
      REJECTED: "Refused",
      WITHDRAWN: "Withdrawn",
      STOPPED: "Processing stopped",
      WAITING_FOR_INPUT: "Waiting for a linked procedure's result",
      EARLY: "Early",
      ON_TIME: "On time",
      LATE: "Late",
      groupHeading: "Linked dossiers",
      groupName: "Procedure group",
      groupDue: "Due for the whole group",
      desk: "Received at",
      membersHeading: "Procedures in the group",
      memberCode: "Dossier code",
      GROUP_IN_PROGRESS: "In progress",
      GROUP_PARTLY_DONE: "Partly done",
      GROUP_DONE: "All results ready",
      GROUP_REFUSED: "No result",
      GROUP_WITHDRAWN: "Withdrawn",
    },
  };

  var QUERY =
    "query PublicDossierStatus($code: String!, $last4: String!) {" +
    " publicDossierStatus(code: $code, applicantIdLast4: $last4) {" +
    " code procedureName status receivedAt appointmentAt timeliness handlingAgencyName" +
    " groupStatus members { code procedureName agencyName status } } }";
  // The main stages, in order; the other statuses sit beside them.
  var STAGES = ["RECEIVED", "IN_PROGRESS", "RESULT_READY", "RETURNED"];
  var STAGE_OF = { SUPPLEMENT_REQUESTED: "IN_PROGRESS", WAITING_FOR_INPUT: "RECEIVED" };
  var ENDED = ["REFUSED", "REJECTED", "WITHDRAWN", "STOPPED"];
  var BADGE = {
    RECEIVED: "neutral", IN_PROGRESS: "neutral", SUPPLEMENT_REQUESTED: "warn",
    RESULT_READY: "ok", RETURNED: "ok", REFUSED: "bad", REJECTED: "bad", WITHDRAWN: "bad",
    STOPPED: "bad", WAITING_FOR_INPUT: "neutral",
    EARLY: "ok", ON_TIME: "ok", LATE: "bad",
    GROUP_IN_PROGRESS: "neutral", GROUP_PARTLY_DONE: "warn", GROUP_DONE: "ok",
    GROUP_REFUSED: "bad", GROUP_WITHDRAWN: "bad",
  };

  var m = window.motcua;
  var last = null; // { kind: "found" | "notFound" | "error" | "missing", data?, message? }

  function progress(status) {
    var current = STAGES.indexOf(STAGE_OF[status] || status);
    var ended = ENDED.indexOf(status) >= 0;
    var items = STAGES.map(function (stage, index) {
      var attrs = { text: m.t(stage) };
      if (index < current || (ended && index === 0)) attrs["class"] = "done";
      if (index === current) {
        attrs["class"] = "current";
        attrs["aria-current"] = "step";
        if (stage !== status) attrs.text = m.t(stage) + " — " + m.t(status);
      }
      return m.el("li", attrs);
    });
    if (ended) {
      items.push(m.el("li", { "class": "ended", "aria-current": "step", text: m.t("endedWith") + ": " + m.t(status) }));
    }
    return m.el("ol", { "class": "steps", "aria-label": m.t("progress") }, items);
  }

  function fact(label, value) {
    return [m.el("dt", { text: m.t(label) }), m.el("dd", {}, [value])];
  }

  function badge(value) {
    return m.el("span", { "class": "badge " + (BADGE[value] || "neutral"), text: m.t(value) });
  }

  // A group submission (liên thông): the group as a whole, then each member.
  function groupCard(d) {
    var facts = [].concat(
      fact("groupName", d.procedureName),
      fact("status", badge("GROUP_" + d.groupStatus)),
      fact("receivedAt", m.formatDateTime(d.receivedAt)),
      fact("groupDue", m.formatDateTime(d.appointmentAt)),
      fact("timeliness", d.timeliness ? badge(d.timeliness) : m.t("notRated")),
      fact("desk", d.handlingAgencyName)
    );
    var head = m.el("tr", {}, ["procedure", "agency", "status", "memberCode"].map(function (key) {
      return m.el("th", { scope: "col", text: m.t(key) });
    }));
    var rows = d.members.map(function (member) {
      return m.el("tr", {}, [
        m.el("td", { text: member.procedureName }),
        m.el("td", { text: member.agencyName }),
        m.el("td", {}, [member.status ? badge(member.status) : m.t("notRated")]),
        m.el("td", { text: member.code }),
      ]);
    });
    return m.el("article", { "class": "card", id: "group", "aria-labelledby": "group-heading" }, [
      m.el("h2", { id: "group-heading", text: m.t("groupHeading") + " " + d.code }),
      m.el("dl", { "class": "facts" }, facts),
      m.el("h3", { id: "members-heading", text: m.t("membersHeading") }),
      m.el("div", { "class": "table-wrap" }, [
        m.el("table", { "aria-labelledby": "members-heading" }, [
          m.el("thead", {}, [head]),
          m.el("tbody", {}, rows),
        ]),
      ]),
    ]);
  }

  function render() {
    var region = document.getElementById("result");
    region.textContent = "";
    if (!last) return;
    if (last.kind !== "found") {
      var text = last.kind === "error" ? last.message : m.t(last.kind);
      region.appendChild(m.el("p", { "class": "message", text: text }));
      return;
    }
    var d = last.data;
    if (d.members) {
      region.appendChild(groupCard(d));
      return;
    }
    var facts = [].concat(
      fact("procedure", d.procedureName),
      fact("status", badge(d.status)),
      fact("receivedAt", m.formatDateTime(d.receivedAt)),
      fact("appointmentAt", m.formatDateTime(d.appointmentAt)),
      fact("timeliness", d.timeliness ? badge(d.timeliness) : m.t("notRated")),
      fact("agency", d.handlingAgencyName)
    );
    region.appendChild(m.el("article", { "class": "card", id: "dossier", "aria-labelledby": "dossier-heading" }, [
      m.el("h2", { id: "dossier-heading", text: m.t("resultHeading") + " " + d.code }),
      m.el("dl", { "class": "facts" }, facts),
      m.el("h3", { text: m.t("progress") }),
      progress(d.status),
    ]));
  }

  function lookUp(event) {
    event.preventDefault();
    var code = document.getElementById("code").value.trim();
    var last4 = document.getElementById("last4").value.trim();
    if (!code || !/^[0-9]{4}$/.test(last4)) {
      last = { kind: "missingInput" };
      render();
      return;
    }
    var button = document.getElementById("submit");
    button.disabled = true;
    button.textContent = m.t("searching");
    m.gql(QUERY, { code: code, last4: last4 })
      .then(function (data) {
        var found = data.publicDossierStatus;
        last = found ? { kind: "found", data: found } : { kind: "notFound" };
      }, function (error) {
        last = { kind: "error", message: error.message };
      })
      .then(function () {
        button.disabled = false;
        button.textContent = m.t("submit");
        render();
      });
  }

  m.onLangChange(render);
  document.addEventListener("DOMContentLoaded", function () {
    var params = new URLSearchParams(window.location.search);
    if (params.get("ma")) document.getElementById("code").value = params.get("ma");
    document.getElementById("lookup").addEventListener("submit", lookUp);
  });
})();
