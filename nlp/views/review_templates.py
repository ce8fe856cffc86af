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
.controls { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; position: sticky;
  top: 0; z-index: 1; background: #f5f7fa; padding: .6rem 0; border-bottom: 1px solid var(--line);
  margin-bottom: 1rem; }
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
.rec { color: #065f46; font-weight: 700; border-bottom: 2px dotted #065f46; }
tr.status-negated td.words { text-decoration: line-through; color: #616e7c; }
.no-targets, .empty { color: var(--muted); font-style: italic; }
""".lstrip()

#: The script block: the level and id filters (it toggles ``hidden`` and sets
#: ``textContent`` only; no ``innerHTML``, no ``eval``).
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
