"""Templates of the review page (``nlp/views/review.py``), in the style of displaCy's
``templates.py``: named constants, no logic.

``PAGE_STYLE`` and ``PAGE_SCRIPT`` are the page's one style block and one script block. Data
never goes into them, so their Content-Security-Policy hashes (computed by ``review.py``) are
fixed; keep them ASCII (the hash is over their UTF-8 bytes). The ``TPL_*`` templates are
``str.format`` strings; ``review.py`` fills them with escaped values only. The controls bar
and the page skeleton sit here beside the script because the script finds its elements by
the ids and ``data-`` attributes they carry.
"""

#: The style block: every rule of the page.
PAGE_STYLE = """
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #cbd2d9; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; padding: 1.5rem 2rem 3rem; font: 15px/1.45 system-ui, -apple-system,
  "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #f5f7fa; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 0; word-break: break-all; }
code { font: .85rem/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.generated, .source, .muted { color: var(--muted); font-size: .85rem; }
.counts { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; padding: 0; }
.counts div { background: #fff; border: 1px solid var(--line); border-radius: 6px;
  padding: .4rem .8rem; min-width: 6.5rem; }
.counts dt { font-size: .8rem; color: var(--muted); }
.counts dd { margin: 0; font-size: 1.3rem; font-weight: 600; }
table { border-collapse: collapse; background: #fff; font-size: .85rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #eef2f6; font-weight: 600; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.table-wrap { overflow-x: auto; }
.targets { font-size: .8rem; }
.targets th, .targets td { padding: .2rem .4rem; white-space: nowrap; }
.targets td.words, .targets td.modifier-rules { white-space: normal; }
.legend { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; font-size: .85rem; }
.bars { position: sticky; top: 0; z-index: 1; background: #f5f7fa;
  border-bottom: 1px solid var(--line); margin-bottom: 1rem; }
.controls { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .6rem 0; }
.controls fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .2rem .6rem;
  margin: 0; }
.controls label { margin-right: .6rem; white-space: nowrap; }
.controls input[type=search] { font: inherit; padding: .2rem .4rem; min-width: 14rem; }
.controls button { font: inherit; padding: .15rem .6rem; }
.card { background: #fff; border: 1px solid var(--line); border-left: 6px solid #9aa5b1;
  border-radius: 6px; padding: .9rem 1.1rem; margin: 0 0 1rem; }
.card.level-urgent { border-left-color: #b91c1c; }
.card.level-workup { border-left-color: #b45309; }
.card.level-benign { border-left-color: #047857; }
.card-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .6rem; }
.badge { display: inline-block; border-radius: 999px; padding: .05rem .6rem; color: #fff;
  font-size: .8rem; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; }
.badge-urgent { background: #b91c1c; }
.badge-workup { background: #b45309; }
.badge-benign { background: #047857; }
.badge-none { background: #52606d; }
.reason { margin: .5rem 0; }
.fields { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; margin: .5rem 0; font-size: .85rem; }
.fields div { display: flex; gap: .3rem; }
.fields dt { color: var(--muted); }
.fields dd { margin: 0; font-weight: 600; }
.report-text { white-space: pre-wrap; word-wrap: break-word; background: #fbfcfd;
  border: 1px solid var(--line); border-radius: 4px; padding: .7rem .9rem; margin: .6rem 0;
  font: .9rem/1.6 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.hl { border-radius: 2px; }
.hl[data-tag]::after { content: attr(data-tag); font: 700 .65rem/1 system-ui, sans-serif;
  vertical-align: super; margin-left: 1px; color: var(--muted); text-decoration: none;
  display: inline-block; }
.t-counted { background: #fde68a; }
.t-negated { background: #e4e7eb; color: #616e7c; text-decoration: line-through; }
.t-excluded { outline: 1px dashed #52606d; outline-offset: 1px; background: #f5f7fa; }
.mod { color: #1d4ed8; font-weight: 700; border-bottom: 2px solid #1d4ed8; }
.rec { color: #064e3b; background: #a7f3d0; font-weight: 700; border-bottom: 2px solid #047857; }
.size-deciding { background: #fecaca; color: #7f1d1d; font-weight: 700;
  outline: 2px solid #b91c1c; outline-offset: 0; }
.carried { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; margin: .4rem 0; font-size: .85rem; }
.carried div { display: flex; gap: .3rem; }
.carried dt { color: var(--muted); }
.carried dd { margin: 0; }
.adjudication { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center;
  padding: 0 0 .6rem; font-size: .9rem; }
.adjudication p { margin: 0; }
.adjudication button, .adjudicate button { font: inherit; padding: .15rem .6rem; }
.adjudicate { margin: .5rem 0; padding: .4rem .6rem; border: 1px dashed var(--line);
  border-radius: 4px; font-size: .9rem; }
.adjudicate label { margin-right: .6rem; white-space: nowrap; }
.card input, .card select, .card button { scroll-margin-top: 9rem; }
.adj-state { margin-left: .6rem; color: var(--muted); }
.card.adj-correct .adjudicate { border: 2px solid #047857; }
.card.adj-corrected .adjudicate { border: 2px solid #1d4ed8; }
.card.adj-invalid .adjudicate { border: 2px solid #b91c1c; }
.fixes { display: flex; flex-wrap: wrap; gap: .4rem 1rem; margin-top: .5rem; }
.fix { display: flex; flex-direction: column; font-size: .8rem; }
.fix-name { color: var(--muted); }
.fix input, .fix select { font: inherit; font-size: .9rem; padding: .1rem .3rem; }
.fix input { width: 9rem; }
.fix .changed { background: #dbeafe; }
.fix .invalid, .fix [aria-invalid=true] { border: 2px solid #b91c1c; background: #fef2f2; }
.adj-problems { flex-basis: 100%; margin: .2rem 0 0; color: #b91c1c; font-weight: 600; }
tr.status-negated td.words { text-decoration: line-through; color: #616e7c; }
.no-targets, .empty { color: var(--muted); font-style: italic; }
""".lstrip()

#: The script block: the level and id filters, then adjudication and the gold export (it
#: toggles ``hidden`` and classes, sets ``textContent``, form values and ARIA states, clones
#: the constant correction template, reads data from ``data-*`` attributes with
#: ``JSON.parse``; no ``innerHTML``, no ``eval``; downloads only on a button press).
PAGE_SCRIPT = """
(function () {
  "use strict";
  var controls = document.getElementById("controls");
  var search = document.getElementById("search");
  var count = document.getElementById("visible-count");
  var noMatch = document.getElementById("no-match");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-level]"));
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.card"));
  var presets = Array.prototype.slice.call(document.querySelectorAll("button[data-preset]"));
  var flagged = { urgent: true, workup: true };
  if (!controls || !search || !count || !noMatch) {
    return;
  }
  function update() {
    var shown = {};
    boxes.forEach(function (box) { shown[box.getAttribute("data-level")] = box.checked; });
    var query = search.value.trim().toLowerCase();
    var visible = 0;
    cards.forEach(function (card) {
      var id = (card.getAttribute("data-id") || "").toLowerCase();
      var show = shown[card.getAttribute("data-triage")] === true &&
        (query === "" || id.indexOf(query) !== -1);
      card.hidden = !show;
      if (show) {
        visible += 1;
      }
    });
    count.textContent = String(visible);
    noMatch.hidden = visible !== 0 || cards.length === 0;
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  search.addEventListener("input", update);
  presets.forEach(function (button) {
    button.addEventListener("click", function () {
      var preset = button.getAttribute("data-preset");
      boxes.forEach(function (box) {
        box.checked = preset === "all" || flagged[box.getAttribute("data-level")] === true;
      });
      update();
    });
  });
  controls.hidden = false;
  update();
})();
(function () {
  "use strict";
  var bar = document.getElementById("adjudication");
  var template = document.getElementById("correction-form");
  var status = document.getElementById("adj-export-status");
  if (!bar || !template || !status || !window.JSON || !window.Blob || !window.URL) {
    return;
  }
  var fields = (bar.getAttribute("data-fields") || "").split(",");
  var stem = bar.getAttribute("data-filename") || "review.gold";
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.card[data-miner]"));
  var ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"];
  var LOBES = ["caudate", "left", "right"];
  var FORMULA = /^[=+\\-@\\t\\r]/;
  var miner = new Map();
  var states = new Map();
  cards.forEach(function (card) {
    miner.set(card, JSON.parse(card.getAttribute("data-miner") || "{}"));
  });
  function encode(kind, value) {
    if (value === null || value === undefined) {
      return "";
    }
    if (kind === "segments" || kind === "lobes") {
      return value.join("; ");
    }
    return String(value);
  }
  function listValue(text, allowed, map) {
    var items = text.split(/[\\s;,]+/).filter(function (item) { return item !== ""; });
    var seen = {};
    for (var i = 0; i < items.length; i += 1) {
      var item = map(items[i]);
      if (allowed.indexOf(item) === -1) {
        return { ok: false };
      }
      seen[item] = true;
    }
    return { ok: true, value: allowed.filter(function (item) { return seen[item] === true; }) };
  }
  function segment(item) {
    var upper = item.toUpperCase().replace(/^(SEGMENT|SEG|S)\\.?/, "");
    if (/^[1-8][AB]?$/.test(upper)) {
      return ROMAN[Number(upper.charAt(0)) - 1];
    }
    return upper.replace(/[AB]$/, "");
  }
  function parse(kind, text) {
    var value = text.trim();
    if (kind === "bool") {
      return value === "true" || value === "false" ? { ok: true, value: value === "true" } :
        { ok: false };
    }
    if (kind === "choice") {
      return { ok: value !== "", value: value };
    }
    if (kind === "count") {
      if (value === "") {
        return { ok: true, value: null };
      }
      return /^[0-9]+$/.test(value) ? { ok: true, value: Number(value) } : { ok: false };
    }
    if (kind === "size") {
      if (value === "") {
        return { ok: true, value: null };
      }
      value = value.replace(",", ".");
      return /^[0-9]+(\\.[0-9]+)?$/.test(value) ? { ok: true, value: Number(value) } :
        { ok: false };
    }
    if (kind === "segments") {
      return listValue(value, ROMAN, segment);
    }
    if (kind === "lobes") {
      return listValue(value, LOBES, function (item) { return item.toLowerCase(); });
    }
    return { ok: false };
  }
  var PROBLEMS = {
    count: "a whole number of 0 or more, or empty",
    size: "a size in mm (e.g. 12 or 12.5), or empty",
    segments: "segments I to VIII",
    lobes: "lobes caudate, left, right",
    bool: "true or false",
    choice: "one of the listed values"
  };
  function mark(card) {
    var checked = card.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "";
  }
  function controlsOf(card) {
    return Array.prototype.slice.call(card.querySelectorAll(".corrections [data-field]"));
  }
  function corrected(card) {
    var values = {};
    var bad = [];
    var changed = [];
    var base = miner.get(card);
    controlsOf(card).forEach(function (control) {
      var name = control.getAttribute("data-field");
      var kind = control.getAttribute("data-kind");
      var parsed = parse(kind, control.value);
      control.setAttribute("aria-invalid", parsed.ok ? "false" : "true");
      control.classList.toggle("invalid", !parsed.ok);
      var differs = parsed.ok && JSON.stringify(parsed.value) !== JSON.stringify(base[name]);
      control.classList.toggle("changed", differs);
      if (!parsed.ok) {
        bad.push(name + " (" + PROBLEMS[kind] + ")");
      } else {
        values[name] = parsed.value;
        if (differs) {
          changed.push(name);
        }
      }
    });
    return { values: values, bad: bad, changed: changed };
  }
  function state(card) {
    var how = mark(card);
    if (how === "correct") {
      return { kind: "correct", values: miner.get(card) };
    }
    if (how === "incorrect") {
      ensureForm(card);
      var fix = corrected(card);
      return { kind: fix.bad.length ? "invalid" : "corrected", values: fix.values,
        bad: fix.bad, changed: fix.changed };
    }
    return { kind: "" };
  }
  function ensureForm(card) {
    var box = card.querySelector(".corrections");
    if (box.firstElementChild) {
      return box;
    }
    box.appendChild(template.content.cloneNode(true));
    var base = miner.get(card);
    controlsOf(box).forEach(function (control) {
      var name = control.getAttribute("data-field");
      control.value = encode(control.getAttribute("data-kind"), base[name]);
    });
    return box;
  }
  function show(card) {
    var now = state(card);
    var box = card.querySelector(".corrections");
    var label = card.querySelector(".adj-state");
    ["correct", "corrected", "invalid"].forEach(function (kind) {
      card.classList.toggle("adj-" + kind, now.kind === kind);
    });
    box.hidden = now.kind !== "corrected" && now.kind !== "invalid";
    states.set(card, now.kind);
    var problems = card.querySelector(".adj-problems");
    if (problems) {
      problems.hidden = now.kind !== "invalid";
      problems.textContent = now.kind === "invalid" ?
        "Not exported until fixed: " + now.bad.join("; ") : "";
    }
    if (now.kind === "correct") {
      label.textContent = "marked correct: exported with the miner's values";
    } else if (now.kind === "corrected") {
      label.textContent = now.changed.length ?
        "corrected: " + now.changed.join(", ") : "marked incorrect: correct the fields below";
    } else if (now.kind === "invalid") {
      label.textContent = "invalid corrections: not exported";
    } else {
      label.textContent = "not adjudicated";
    }
    return now;
  }
  function tally() {
    var counts = { correct: 0, corrected: 0, invalid: 0 };
    states.forEach(function (kind) {
      if (kind in counts) {
        counts[kind] += 1;
      }
    });
    document.getElementById("adj-count").textContent =
      String(counts.correct + counts.corrected + counts.invalid);
    document.getElementById("adj-correct").textContent = String(counts.correct);
    document.getElementById("adj-corrected").textContent = String(counts.corrected);
    document.getElementById("adj-invalid").textContent = String(counts.invalid);
  }
  function textOf(card) {
    var exact = card.getAttribute("data-text");
    if (exact !== null) {
      return exact;
    }
    var pre = card.querySelector("pre.report-text");
    return pre ? pre.textContent : "";
  }
  function rows() {
    var out = [];
    cards.forEach(function (card) {
      var now = state(card);
      if (now.kind !== "correct" && now.kind !== "corrected") {
        return;
      }
      var row = { report_id: card.getAttribute("data-id") || "", text: textOf(card) };
      fields.forEach(function (name) {
        if (name in now.values) {
          row[name] = now.values[name];
        }
      });
      out.push(row);
    });
    return out;
  }
  function csvCell(value, isText) {
    var cell;
    if (value === null || value === undefined) {
      cell = "";
    } else if (Array.isArray(value)) {
      cell = value.join(";");
    } else {
      cell = String(value);
    }
    if (isText && FORMULA.test(cell)) {
      cell = "'" + cell;
    }
    return /[",\\r\\n]/.test(cell) ? "\\"" + cell.replace(/"/g, "\\"\\"") + "\\"" : cell;
  }
  function asCsv(list) {
    var header = ["report_id", "text"].concat(fields);
    var lines = [header.join(",")];
    list.forEach(function (row) {
      lines.push(header.map(function (name) {
        return csvCell(row[name], name === "report_id" || name === "text");
      }).join(","));
    });
    return lines.join("\\r\\n") + "\\r\\n";
  }
  function asJsonl(list) {
    return list.map(function (row) { return JSON.stringify(row); }).join("\\n") + "\\n";
  }
  function download(format) {
    var list = rows();
    if (list.length === 0) {
      status.textContent = "Nothing to export: mark reports correct or incorrect first.";
      return;
    }
    var csv = format === "csv";
    var blob = new Blob([csv ? asCsv(list) : asJsonl(list)],
      { type: csv ? "text/csv;charset=utf-8" : "application/x-ndjson;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = stem + (csv ? ".csv" : ".jsonl");
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    status.textContent = "Exported " + String(list.length) + " reports as " + link.download + ".";
  }
  var storageKey = "calcminer-adjudication:" + (bar.getAttribute("data-fingerprint") || "");
  function storage() {
    try {
      return window.localStorage || null;
    } catch (error) {
      return null;
    }
  }
  function save() {
    var store = storage();
    if (!store) {
      return;
    }
    var saved = {};
    cards.forEach(function (card) {
      var how = states.get(card) ? mark(card) : "";
      if (how === "") {
        return;
      }
      var entry = { mark: how, values: {} };
      if (how === "incorrect") {
        controlsOf(card).forEach(function (control) {
          entry.values[control.getAttribute("data-field")] = control.value;
        });
      }
      saved[card.id] = entry;
    });
    try {
      if (Object.keys(saved).length) {
        store.setItem(storageKey, JSON.stringify(saved));
      } else {
        store.removeItem(storageKey);
      }
    } catch (error) {
      status.textContent = "Marks cannot be kept in this browser: export them before leaving.";
    }
  }
  function restore() {
    var store = storage();
    var saved = null;
    try {
      saved = store ? JSON.parse(store.getItem(storageKey) || "null") : null;
    } catch (error) {
      saved = null;
    }
    if (!saved || typeof saved !== "object") {
      return;
    }
    cards.forEach(function (card) {
      var entry = saved[card.id];
      if (!entry || (entry.mark !== "correct" && entry.mark !== "incorrect")) {
        return;
      }
      card.querySelector("input[type=radio][value=" + entry.mark + "]").checked = true;
      if (entry.mark === "incorrect" && entry.values) {
        ensureForm(card);
        controlsOf(card).forEach(function (control) {
          var value = entry.values[control.getAttribute("data-field")];
          if (typeof value === "string") {
            control.value = value;
          }
        });
      }
    });
  }
  function clearCard(card) {
    card.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.checked = false;
    });
    card.querySelector(".corrections").textContent = "";
    show(card);
  }
  function changed(event) {
    var card = event.target.closest ? event.target.closest("article.card[data-miner]") : null;
    if (card) {
      show(card);
      tally();
      save();
    }
  }
  document.addEventListener("change", changed);
  document.addEventListener("input", changed);
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.getAttribute) {
      return;
    }
    var format = target.getAttribute("data-export");
    if (format) {
      download(format);
      return;
    }
    if (target.getAttribute("data-adj") === "clear") {
      clearCard(target.closest("article.card[data-miner]"));
      tally();
      save();
    }
    if (target.getAttribute("data-adj-all") === "clear") {
      cards.forEach(clearCard);
      tally();
      save();
      status.textContent = "All marks cleared.";
    }
  });
  restore();
  cards.forEach(function (card) {
    card.querySelector(".adjudicate").hidden = false;
    show(card);
  });
  bar.hidden = false;
  tally();
})();
""".lstrip()


#: The whole document. ``csp`` is the Content-Security-Policy (keywords and base64 hashes: no
#: quote, <, > or &, so it goes in as is, readable in the file); ``title`` is escaped;
#: ``generated`` is empty or a :data:`TPL_GENERATED`; ``body`` holds the summary, error table,
#: legend and controls; ``reports`` the cards (or :data:`TPL_NO_REPORTS`).
TPL_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header class="page-head">
<h1>{title}</h1>
{generated}</header>
{body}
<main id="reports">
{reports}
<p id="no-match" class="empty" hidden>No report matches the filters.</p>
</main>
<script>{script}</script>
</body>
</html>
"""

#: Under the title when the caller gives a timestamp (escaped), with its line end; the page
#: never reads the clock.
TPL_GENERATED = '<p class="generated">Generated {generated}</p>\n'

#: In place of the cards of an empty batch.
TPL_NO_REPORTS = '<p class="empty">No reports in this batch.</p>'

#: The filter bar, hidden until the script shows it: ``boxes`` is one :data:`TPL_LEVEL_BOX`
#: per triage level, ``reports`` the number of cards.
TPL_CONTROLS = (
    '<div id="controls" class="controls" role="search" hidden>\n'
    "<fieldset><legend>Triage</legend>{boxes}</fieldset>\n"
    '<button type="button" data-preset="flagged">Flagged only</button>\n'
    '<button type="button" data-preset="all">All levels</button>\n'
    '<label>Report id <input type="search" id="search" autocomplete="off" '
    'spellcheck="false" placeholder="substring, any case"></label>\n'
    '<p class="visible">Showing <span id="visible-count">{reports}</span> of '
    '<span id="total-count">{reports}</span> reports</p>\n'
    "</div>"
)

#: One triage-level checkbox of the filter bar.
TPL_LEVEL_BOX = '<label><input type="checkbox" data-level="{level}" checked> {level}</label>'

#: The adjudication bar, hidden until the script shows it: ``fields`` is the comma list of
#: the exported fields (escaped), ``filename`` the stem of the exported files (escaped),
#: ``fingerprint`` the page's hex fingerprint (its marks' key in the browser's storage),
#: ``reports`` the number of cards.
TPL_ADJUDICATION = (
    '<section id="adjudication" class="adjudication" aria-label="Adjudication" hidden '
    'data-fields="{fields}" data-filename="{filename}" data-fingerprint="{fingerprint}">\n'
    '<p><strong>Adjudication:</strong> <span id="adj-count">0</span> of {reports} reports '
    'adjudicated (<span id="adj-correct">0</span> correct, <span id="adj-corrected">0</span> '
    'corrected, <span id="adj-invalid">0</span> with invalid corrections, not exported)</p>\n'
    '<button type="button" data-export="jsonl">Download gold (JSONL)</button>\n'
    '<button type="button" data-export="csv">Download gold (CSV)</button>\n'
    '<button type="button" data-adj-all="clear">Clear all marks</button>\n'
    '<span id="adj-export-status" role="status"></span>\n'
    '<span class="muted">Marks are kept in this browser until cleared.</span>\n'
    "</section>"
)

#: A card's adjudication controls, hidden until the script shows them: ``number`` is the
#: card's number (names its radio group).
TPL_CARD_ADJUDICATE = (
    '<div class="adjudicate" hidden><span class="adj-q">The miner&#39;s reading is</span> '
    '<label><input type="radio" name="adj-{number}" value="correct"> correct</label> '
    '<label><input type="radio" name="adj-{number}" value="incorrect"> incorrect</label> '
    '<button type="button" data-adj="clear">Clear mark</button>'
    '<span class="adj-state" role="status">not adjudicated</span>'
    '<div class="corrections" hidden></div></div>'
)
