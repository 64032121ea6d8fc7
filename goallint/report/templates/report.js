/* goallint report: filters, search, sorting, rule dialogs, and the reviewer's marks (accepted/dismissed, with a
   note; kept in localStorage under each finding's baseline key, downloadable as a baseline file).
   Reads its data from the JSON block only. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("goallint-data").textContent);
  var RANK = { info: 1, warning: 2, error: 3 };
  var GRADE_ORDER = { "差": 0, "中": 1, "良": 2, "优": 3 };
  var nav = document.querySelector(".filters");
  document.documentElement.classList.add("js");
  var all = function (selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); };

  function state() {
    var checked = function (name) {
      return all("input[name=" + name + "]:checked", nav).map(function (el) { return el.value; });
    };
    return {
      severities: checked("severity"),
      grades: checked("grade"),
      rule: nav.querySelector("select[name=rule]").value,
      query: nav.querySelector("input[name=q]").value.trim().toLowerCase(),
      flagged: nav.querySelector("input[name=flagged]").checked,
      baselined: nav.querySelector("input[name=baselined]").checked
    };
  }

  function apply() {
    var s = state();
    var visible = {};
    Object.keys(data.findings).forEach(function (id) {
      var item = data.findings[id];
      visible[id] = s.severities.indexOf(item[1]) >= 0 && (!s.rule || s.rule === item[0]) &&
        (s.baselined || !item[2]);
    });
    all("[data-finding]").forEach(function (el) { el.hidden = !visible[el.id]; });
    all("[data-ref]").forEach(function (el) { el.hidden = !visible[el.getAttribute("data-ref")]; });
    all("[data-f]").forEach(function (el) {
      var worst = "";
      el.getAttribute("data-f").split(" ").forEach(function (id) {
        var sev = data.findings[id][1];
        if (visible[id] && (!worst || RANK[sev] > RANK[worst])) { worst = sev; }
      });
      if (worst) { el.setAttribute("data-hl", worst); } else { el.removeAttribute("data-hl"); }
    });
    all("[data-uses]").forEach(function (el) {  // the cells an arithmetic finding used, tinted while it shows
      var worst = "";
      el.getAttribute("data-uses").split(" ").forEach(function (id) {
        var sev = data.findings[id][1];
        if (visible[id] && (!worst || RANK[sev] > RANK[worst])) { worst = sev; }
      });
      if (worst) { el.setAttribute("data-tint", worst); } else { el.removeAttribute("data-tint"); }
    });
    var shownForms = 0, shownFindings = 0;
    data.forms.forEach(function (form) {
      var count = form.findings.filter(function (id) { return visible[id]; }).length;
      var show = s.grades.indexOf(form.grade) >= 0 &&
        (!s.query || form.name.toLowerCase().indexOf(s.query) >= 0) &&
        (!(s.flagged || s.rule) || count > 0);
      document.getElementById(form.id).hidden = !show;
      var row = document.querySelector("[data-form-row=\"" + form.id + "\"]");
      if (row) { row.hidden = !show; }
      if (show) { shownForms += 1; shownFindings += count; }
    });
    nav.querySelector(".shown").textContent =
      "显示 " + shownForms + " / " + data.forms.length + " 张表单 · " + shownFindings + " 条问题";
  }

  function sortBy(th) {
    var table = th.closest("table");
    var body = table.tBodies[0];
    var column = Array.prototype.indexOf.call(th.parentNode.children, th);
    var kind = th.getAttribute("data-sort");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    all("th", table).forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var key = function (row) {
      var v = row.children[column].getAttribute("data-v");
      if (kind === "num") { return Number(v); }
      if (kind === "grade") { return GRADE_ORDER[v]; }
      return v;
    };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      var order = typeof x === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN");
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function showRule(code) {
    var doc = document.getElementById("rule-" + code);
    var dialog = document.getElementById("rule-dialog");
    if (!doc || typeof dialog.showModal !== "function") { return false; }
    var body = dialog.querySelector(".dialog-body");
    body.replaceChildren(doc.cloneNode(true));
    body.firstChild.removeAttribute("id");
    dialog.showModal();
    return true;
  }

  // ---- the reviewer's marks --------------------------------------------------------------------------------
  var STORE = "goallint-review";
  var LABELS = { accepted: "接受", dismissed: "驳回" };
  var marks = {};
  try { marks = JSON.parse(window.localStorage.getItem(STORE) || "{}") || {}; } catch (e) { marks = {}; }
  var keyOf = function (id) { return JSON.stringify(data.keys[id]); };

  function save() {
    try { window.localStorage.setItem(STORE, JSON.stringify(marks)); } catch (e) { /* private mode: page only */ }
  }

  function showMarks() {
    var counts = { accepted: 0, dismissed: 0 };
    all("[data-finding]").forEach(function (el) {
      var mark = marks[keyOf(el.id)];
      var status = mark ? mark.status : "";
      el.setAttribute("data-review", status);
      all("[data-mark]", el).forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-mark") === status));
      });
      var note = el.querySelector("[data-note]");
      note.hidden = !status;
      if (document.activeElement !== note) { note.value = mark ? mark.note || "" : ""; }
      if (status) { counts[status] += 1; }
    });
    nav.querySelector(".review-count").textContent =
      "已接受 " + counts.accepted + " 条，已驳回 " + counts.dismissed + " 条";
  }

  all("[data-finding]").forEach(function (el) {
    var box = document.createElement("span");
    box.className = "review";
    ["accepted", "dismissed"].forEach(function (status) {
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-mark", status);
      button.textContent = LABELS[status];
      box.appendChild(button);
    });
    var note = document.createElement("input");
    note.type = "text";
    note.setAttribute("data-note", "");
    note.placeholder = "审核说明";
    note.setAttribute("aria-label", "审核说明");
    box.appendChild(note);
    el.appendChild(box);
  });

  function yamlText(text) { return JSON.stringify(String(text)); }  // a JSON string is a YAML double-quoted one

  function baselineText() {
    var seen = {}, entries = [];
    Object.keys(data.keys).forEach(function (id) {
      var key = keyOf(id), mark = marks[key];
      if (!mark) { return; }
      if (seen[key]) { seen[key].count += 1; return; }
      seen[key] = { key: data.keys[id], count: 1, mark: mark };
      entries.push(seen[key]);
    });
    var out = [
      "# goallint baseline: findings a reviewer marked in the HTML report (接受 accepted / 驳回 dismissed).",
      "# Save it in the folder goallint was run from (paths are relative to it), then:",
      "#   goallint check --baseline goallint-baseline.yaml PATHS",
      "goallint-baseline: 1",
      entries.length ? "entries:" : "entries: []"
    ];
    entries.forEach(function (entry) {
      var k = entry.key;
      out.push("- path: " + yamlText(k[0]));
      if (k[1]) { out.push("  form: " + yamlText(k[1])); }
      if (k[2]) { out.push("  field: " + yamlText(k[2])); }
      out.push("  code: " + yamlText(k[3]));
      if (k[4]) { out.push("  text: " + yamlText(k[4])); }
      if (entry.count > 1) { out.push("  count: " + entry.count); }
      out.push("  review: " + entry.mark.status);
      if (entry.mark.note) { out.push("  note: " + yamlText(entry.mark.note)); }
    });
    return out.join("\n") + "\n";
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var button = target.closest("[data-mark]");
    if (button) {
      var key = keyOf(button.closest("[data-finding]").id);
      var status = button.getAttribute("data-mark");
      if (marks[key] && marks[key].status === status) { delete marks[key]; } else {
        marks[key] = { status: status, note: marks[key] ? marks[key].note || "" : "" };
      }
      save();
      showMarks();
      return;
    }
    if (target.closest("[data-review-download]")) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([baselineText()], { type: "text/yaml" }));
      link.download = "goallint-baseline.yaml";
      document.body.appendChild(link);
      link.click();
      link.remove();
      return;
    }
    if (target.closest("[data-review-clear]")) {
      marks = {};
      save();
      showMarks();
    }
  });
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !target.matches("[data-note]")) { return; }
    var key = keyOf(target.closest("[data-finding]").id);
    if (marks[key]) { marks[key].note = target.value; save(); showMarks(); }
  });

  nav.addEventListener("input", apply);
  nav.addEventListener("change", apply);
  all("th[data-sort]").forEach(function (th) {
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(th); }
    });
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var filter = target.closest("[data-filter-rule]");
    if (filter) {
      nav.querySelector("select[name=rule]").value = filter.getAttribute("data-filter-rule");
      apply();
      nav.scrollIntoView({ behavior: "smooth" });
      return;
    }
    var link = target.closest("a[data-rule]");
    if (link && link.closest(".rule-doc")) { return; }
    if (link && showRule(link.getAttribute("data-rule"))) { event.preventDefault(); return; }
    if (target.closest("[data-close]")) { document.getElementById("rule-dialog").close(); }
  });
  showMarks();
  apply();
}());
