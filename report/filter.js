(function () {
  "use strict";
  // Filters the per-suite drill-down tables. Small suites are HTML rows:
  // the filter toggles their hidden attribute. Large suites are JSON data
  // blocks (script elements of type application/json, id rows-N): the filter runs
  // over all of their rows and one page of rows at a time is built as DOM
  // nodes whose text is set with textContent, so no markup is ever parsed
  // from the data. Nothing is fetched.
  var PAGE = 50;

  function node(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function muted(text) { return node("span", "muted", text); }

  function promptCell(r, maxText) {
    var td = node("td");
    if (r.p) {
      var det = node("details");
      det.appendChild(node("summary", null, Array.from(r.p).slice(0, 80).join("")));
      det.appendChild(node("pre", null, r.p));
      if (r.pt) { det.appendChild(node("div", "muted small", "(cut at " + maxText + " bytes)")); }
      td.appendChild(det);
    } else {
      td.appendChild(muted("—"));
    }
    (r.img || []).forEach(function (im) {
      // Only thumbnails this report encoded as PNG are data:image/png URLs.
      if (im.u && im.u.indexOf("data:image/png;base64,") === 0) {
        var img = node("img", "thumb");
        img.src = im.u;
        img.width = im.w;
        img.height = im.h;
        img.alt = im.path;
        td.appendChild(img);
      } else {
        td.appendChild(node("div", "muted small", im.path + ": " + (im.n || "")));
      }
    });
    return td;
  }

  function refCell(r) {
    var td = node("td");
    if (r.refs && r.refs.length) {
      r.refs.forEach(function (ref) { td.appendChild(node("div", "ref", ref)); });
    } else {
      td.appendChild(muted("—"));
    }
    return td;
  }

  function answerCell(a, binary, maxText) {
    var td = node("td");
    if (!a) {
      td.appendChild(muted("no result"));
      return td;
    }
    var cls = [];
    if (a.l) { cls.push("lost"); }
    if (a.c) { cls.push("changed"); }
    if (cls.length) { td.className = cls.join(" "); }
    if (a.e) {
      td.appendChild(node("span", "badge " + (a.e === "content_filtered" ? "ref" : "err"), a.e));
      td.appendChild(node("div", "errmsg small", a.em || ""));
    } else {
      td.appendChild(node("div", "out", a.o || ""));
      if (a.ob) { td.appendChild(node("div", "muted small", "(cut at " + maxText + " of " + a.ob + " bytes)")); }
      if (!a.s) {
        td.appendChild(node("span", "muted small", "unscored"));
      } else if (binary) {
        td.appendChild(node("span", "badge " + (a.s === "pass" ? "pass" : "fail"), a.s));
      } else {
        td.appendChild(node("span", "mono", a.s));
      }
    }
    if (a.t) {
      td.appendChild(document.createTextNode(" "));
      td.appendChild(node("span", "muted small", a.t));
    }
    if (a.l) {
      td.appendChild(document.createTextNode(" "));
      td.appendChild(node("span", "small lostnote", "below baseline"));
    }
    if (a.c) {
      td.appendChild(document.createTextNode(" "));
      td.appendChild(node("span", "small changednote", a.w || ""));
    }
    return td;
  }

  function rowNode(r, opts) {
    var tr = node("tr");
    tr.setAttribute("data-case", r.id);
    tr.setAttribute("data-lost", r.l ? "true" : "false");
    tr.setAttribute("data-changed", r.c ? "true" : "false");
    var id = node("td", "case mono", r.id);
    if (opts.repeats) { id.appendChild(node("div", "muted small", "repeat " + (r.r || 0))); }
    tr.appendChild(id);
    tr.appendChild(promptCell(r, opts.maxText));
    tr.appendChild(refCell(r));
    for (var i = 0; i < opts.targets; i++) {
      tr.appendChild(answerCell(r.a[i], opts.binary, opts.maxText));
    }
    return tr;
  }

  function criteria(panel) {
    var changed = panel.querySelector("input.only-changed");
    return {
      lost: panel.querySelector("input.only-lost").checked,
      changed: changed !== null && changed.checked,
      needle: panel.querySelector("input.case-filter").value.trim().toLowerCase()
    };
  }

  function keep(c, id, lost, changed) {
    return !((c.lost && !lost) || (c.changed && !changed) ||
      (c.needle !== "" && String(id).toLowerCase().indexOf(c.needle) < 0));
  }

  function setupStatic(panel, table) {
    function apply() {
      var c = criteria(panel);
      var rows = table.tBodies[0].rows;
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var tr = rows[i];
        var hide = !keep(c, tr.getAttribute("data-case") || "",
          tr.getAttribute("data-lost") === "true", tr.getAttribute("data-changed") === "true");
        tr.hidden = hide;
        if (!hide) { shown++; }
      }
      var counter = panel.querySelector(".shown");
      if (counter) { counter.textContent = shown + " of " + rows.length + " rows"; }
    }
    panel.addEventListener("input", apply);
    panel.addEventListener("change", apply);
    apply();
  }

  function setupPaged(panel, table, block) {
    var rows = JSON.parse(block.textContent);
    var headers = table.tHead.rows[0].cells.length;
    var opts = {
      binary: table.getAttribute("data-binary") === "true",
      repeats: table.getAttribute("data-repeats") === "true",
      maxText: table.getAttribute("data-maxtext"),
      targets: headers - 3
    };
    var body = table.tBodies[0];
    var matches = [];
    var page = 0;
    function pages() { return Math.max(1, Math.ceil(matches.length / PAGE)); }
    function render() {
      page = Math.min(Math.max(page, 0), pages() - 1);
      var frag = document.createDocumentFragment();
      var end = Math.min(matches.length, (page + 1) * PAGE);
      for (var i = page * PAGE; i < end; i++) { frag.appendChild(rowNode(rows[matches[i]], opts)); }
      body.replaceChildren(frag);
      panel.querySelector(".shown").textContent = matches.length + " of " + rows.length + " rows";
      panel.querySelector(".page").textContent = "page " + (page + 1) + " of " + pages();
      panel.querySelector(".page-first").disabled = page === 0;
      panel.querySelector(".page-prev").disabled = page === 0;
      panel.querySelector(".page-next").disabled = page >= pages() - 1;
      panel.querySelector(".page-last").disabled = page >= pages() - 1;
    }
    function apply() {
      var c = criteria(panel);
      matches = [];
      for (var i = 0; i < rows.length; i++) {
        if (keep(c, rows[i].id, rows[i].l, rows[i].c)) { matches.push(i); }
      }
      page = 0;
      render();
    }
    function go(cls, to) {
      panel.querySelector(cls).addEventListener("click", function () { page = to(); render(); });
    }
    go(".page-first", function () { return 0; });
    go(".page-prev", function () { return page - 1; });
    go(".page-next", function () { return page + 1; });
    go(".page-last", function () { return pages() - 1; });
    panel.addEventListener("input", apply);
    panel.addEventListener("change", apply);
    apply();
  }

  var panels = document.querySelectorAll(".filter");
  for (var i = 0; i < panels.length; i++) {
    var panel = panels[i];
    var table = document.getElementById(panel.getAttribute("data-table"));
    if (!table) { continue; }
    panel.hidden = false;
    var data = panel.getAttribute("data-rows");
    if (data) {
      var block = document.getElementById(data);
      if (block) { setupPaged(panel, table, block); }
    } else {
      setupStatic(panel, table);
    }
  }
})();
