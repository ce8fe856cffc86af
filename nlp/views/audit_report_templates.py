"""Templates of the audit's one-page report (``nlp/views/audit_report.py``): named constants,
no logic, in the style of ``review_templates.py``.

``PAGE_STYLE`` is the page's one style block. Data never goes into it, so its
Content-Security-Policy hash (computed by ``audit_report.py``) is fixed; keep it ASCII (the
hash is over its UTF-8 bytes). The page has no script at all. The ``TPL_*`` templates are
``str.format`` strings that ``audit_report.py`` fills with escaped values only.

The print rules fit one page of A4 (210 x 297 mm) and of US Letter (215.9 x 279.4 mm) alike:
``@page`` sets margins but no size, so the printer's paper is used, and the page is laid out
for the smaller of the two in each direction (210 mm wide, 279.4 mm high).
"""

#: The style block: every rule of the page, screen and print.
PAGE_STYLE = """
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #cbd2d9; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; padding: 1rem; max-width: 190mm; color: var(--ink); background: #fff;
  font: 8.5pt/1.25 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
.top { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between;
  gap: 1mm 4mm; }
h1 { font-size: 13pt; margin: 0; overflow-wrap: anywhere; }
p { margin: 0; }
.meta { font-size: 8pt; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.figures { display: flex; flex-wrap: wrap; gap: 1.5mm; margin: 0 0 1mm; padding: 0; }
.figures div { border: 1px solid var(--line); border-radius: 3px; padding: .3mm 2mm; }
.figures dt { font-size: 6.5pt; color: var(--muted); }
.figures dd { margin: 0; font-size: 10pt; font-weight: 600; }
.plot-wrap { margin: 1mm 0 0; }
.plot { display: block; width: auto; max-width: 100%; height: 46mm; margin: 0 auto; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 7.5pt;
  line-height: 1.15; }
th, td { border: 1px solid var(--line); padding: .1mm 1mm; text-align: right;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
th { background: #eef2f6; font-weight: 600; white-space: normal; vertical-align: bottom; }
th.name, td.name { text-align: left; }
th.name { width: 30%; }
caption, .caption { text-align: left; font-weight: 600; font-size: 8pt; padding: 1mm 0 .3mm; }
.headline th.name { width: 18%; }
.scopes { display: grid; grid-template-columns: 1fr 1fr; gap: 0 4mm; }
.scopes > section { min-width: 0; }
.scope th.name { width: 26%; }
.scope th { font-size: 7pt; padding: .1mm .6mm; }
.note { font-size: 7pt; color: var(--muted); }
.overdue th.name { width: auto; white-space: nowrap; }
.overdue th.name:first-child { width: 22%; }
footer { margin-top: 1mm; font-size: 7pt; color: var(--muted); }
@page { margin: 8mm; }
@media print {
  body { padding: 0; max-width: none; }
  table, figure, .scopes > section { break-inside: avoid; }
}
"""

#: The page: ``csp`` is the Content-Security-Policy (the style hash has no quote, <, > or &,
#: so it goes in as is); ``title`` is escaped; ``figures`` holds the key figures beside the
#: title, ``head`` the lines under it, ``body`` the sections.
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
<header>
<div class="top"><h1>{title}</h1>
{figures}</div>
{head}</header>
<main>
{body}
</main>
<footer>Counts, rates, report ids and dates only: no report text. The audit's tables hold
every row.</footer>
</body>
</html>
"""

#: One line of the header (markup with every value escaped).
TPL_META = '<p class="meta">{text}</p>\n'

#: One key figure (escaped label and value).
TPL_FIGURE = "<div><dt>{label}</dt><dd>{value}</dd></div>"

#: The plot: ``src`` is a ``data:image/png;base64,...`` URL (base64 has no character to escape).
TPL_PLOT = (
    '<figure class="plot-wrap"><img class="plot" src="{src}" '
    'alt="Follow-up audit: completion by level, and follow-up over time"></figure>'
)

#: In place of the plot when none is given.
TPL_NO_PLOT = ""

#: A table: ``cls`` its class, ``caption`` (escaped), ``head`` the header cells, ``rows`` the
#: body rows.
TPL_TABLE = (
    '<table class="{cls}"><caption>{caption}</caption>\n'
    "<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody></table>"
)

#: Under a table cut to its first rows.
TPL_NOTE = '<p class="note">{text}</p>'
