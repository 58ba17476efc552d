/* Progressive enhancement for the dashboards; every page works without it.
   1. Selector forms submit when a choice changes.
   2. Ranking tables sort in the browser when a column heading is chosen (the heading links
      still sort on the server without JavaScript). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target && event.target.tagName === "SELECT") { form.submit(); }
    });
  });

  function value(row, index, type) {
    var cell = row.cells[index];
    if (!cell) { return null; }
    var raw = cell.getAttribute("data-v");
    if (raw === null) { raw = cell.textContent.trim(); }
    if (type === "text") { return raw.toLowerCase(); }
    if (raw === "") { return null; }
    var n = parseFloat(raw);
    return isNaN(n) ? null : n;
  }

  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, index) {
      var link = th.querySelector("a[data-sort]");
      if (!link) { return; }
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var type = th.getAttribute("data-type") || "num";
        var current = th.getAttribute("aria-sort");
        var ascending = current !== "ascending";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = value(a, index, type), y = value(b, index, type);
          if (x === null && y === null) { return 0; }
          if (x === null) { return 1; }
          if (y === null) { return -1; }
          if (x < y) { return ascending ? -1 : 1; }
          if (x > y) { return ascending ? 1 : -1; }
          return 0;
        });
        rows.forEach(function (r) { body.appendChild(r); });
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var key = link.getAttribute("data-sort");
        if (window.history && window.URL) {
          var url = new URL(window.location.href);
          url.searchParams.set("sort", ascending ? key : "-" + key);
          window.history.replaceState(null, "", url.toString());
        }
      });
    });
  });
})();
