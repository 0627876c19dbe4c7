(function () {
  "use strict";
  // Filters the per-suite results tables. It only toggles the hidden
  // attribute of rows and sets textContent of a counter: no markup is
  // built from page text, and nothing is fetched.
  function apply(panel) {
    var table = document.getElementById(panel.getAttribute("data-table"));
    if (!table) { return; }
    var lostOnly = panel.querySelector("input.only-lost").checked;
    var changed = panel.querySelector("input.only-changed");
    var changedOnly = changed !== null && changed.checked;
    var needle = panel.querySelector("input.case-filter").value.trim().toLowerCase();
    var rows = table.tBodies[0].rows;
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var tr = rows[i];
      var hide = (lostOnly && tr.getAttribute("data-lost") !== "true") ||
        (changedOnly && tr.getAttribute("data-changed") !== "true") ||
        (needle !== "" && (tr.getAttribute("data-case") || "").toLowerCase().indexOf(needle) < 0);
      tr.hidden = hide;
      if (!hide) { shown++; }
    }
    var counter = panel.querySelector(".shown");
    if (counter) { counter.textContent = shown + " of " + rows.length + " rows"; }
  }
  var panels = document.querySelectorAll(".filter");
  for (var i = 0; i < panels.length; i++) {
    (function (panel) {
      panel.hidden = false;
      panel.addEventListener("input", function () { apply(panel); });
      panel.addEventListener("change", function () { apply(panel); });
      apply(panel);
    })(panels[i]);
  }
})();
