/* goallint report: filters, search, sorting and rule dialogs. Reads its data from the JSON block only. */
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
      flagged: nav.querySelector("input[name=flagged]").checked
    };
  }

  function apply() {
    var s = state();
    var visible = {};
    Object.keys(data.findings).forEach(function (id) {
      var item = data.findings[id];
      visible[id] = s.severities.indexOf(item[1]) >= 0 && (!s.rule || s.rule === item[0]);
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
  apply();
}());
