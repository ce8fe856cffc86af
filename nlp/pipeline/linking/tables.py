"""Findings written as rows of a text table.

"| T1 | Liver S4 | calcified | 38 | 41 |" or "Seg II   18 mm   11 mm (densely calcified)": a
row's cells lend the target in it their sizes and places, a bare number takes its unit
from the column header ("Current (mm)"), and a prior exam's column is not this exam's
size.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.model import (
    LIVER,
    TABLE_CELL_SEGMENT_RULE,
    TABLE_CELL_SIZE_RULE,
    TABLE_TIER,
    Attachment,
    Mention,
    TargetState,
    is_place,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.linking.words import has_location
from calcminer.nlp.pipeline.text_tables import (
    BARE_NUMBER,
    TextTable,
    header_unit_factor,
    is_table_row,
    rows_below,
    table_at,
    table_rows_above,
    title_words,
)
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    LENT_LABELS,
)


def table_rows(
    cfg: LinkSettings,
    doc: Doc,
    states: Sequence[TargetState],
    s_mentions: Sequence[Mention],
    mentions: Sequence[Mention] = (),
) -> None:
    """Give a target in a row of a table typed as text what its row says
    (:mod:`calcminer.nlp.pipeline.text_tables`): the row's place when it has none, and the row's
    current size when it has no size in its own cell.

    The current size is the one in a column whose header names the current exam ("Size
    now", "Current (mm)"), else any but those a header names a prior exam's ("Prior");
    a cell with only a number is a size when its header names a unit ("38 | 41" under
    "Prior (mm) | Current (mm)").
    """
    marks = cfg.table_cell_marks
    for st in states:
        t = st.mention
        lines = cfg.lines(doc)
        if not lines.may_be_row(t.start_char):
            continue
        table = table_at(lines.text, t.start_char, marks)
        if table is not None and not table.header and table.cell_at(t.start_char) == 0:
            _title_row_members(cfg, doc, st, mentions)
            continue
        if table is None or not table.header:
            continue
        own = table.cell_at(t.start_char)
        if own is None:
            continue
        row_start, row_end = table.row[0].start, table.row[-1].end
        in_row = [m for m in s_mentions if row_start <= m.start_char < row_end]
        if not has_location(st):
            places = [m for m in in_row if is_place(m)] or list(
                _segment_column_cells(cfg, doc, table, t.sent)
            )
            st.attachments.extend(Attachment(m, TABLE_TIER, 0) for m in places)
        own_sizes = [m for m in in_row if m.label == "SIZE" and table.cell_at(m.start_char) == own]
        if own_sizes:
            # "... | now densely calcified lesion of 12 mm |", "1.4 cm, densely calcified":
            # the size in its own cell; the row's other cells are other exams'.
            attached = {id(a.mention) for a in st.attachments}
            st.attachments[:] = [
                a
                for a in st.attachments
                if not (
                    a.mention.label == "SIZE"
                    and row_start <= a.mention.start_char < row_end
                    and table.cell_at(a.mention.start_char) != own
                )
            ]
            st.attachments.extend(
                Attachment(m, TABLE_TIER, 0) for m in own_sizes if id(m) not in attached
            )
            continue
        sizes = [
            (k, m)
            for m in in_row
            if m.label == "SIZE" and (k := table.cell_at(m.start_char)) is not None and k != own
        ]
        if not sizes:
            sizes = list(_header_unit_sizes(cfg, doc, table, t.sent))
        current = _current_cells(cfg, table, [k for k, _ in sizes])
        if not current:
            continue
        st.attachments[:] = [
            a
            for a in st.attachments
            if not (a.mention.label == "SIZE" and row_start <= a.mention.start_char < row_end)
        ]
        chosen = [(k, m) for k, m in sizes if k in current]
        st.attachments.extend(
            Attachment(m, TABLE_TIER, 0) for m in _without_bracketed_prior(cfg, table, chosen)
        )


def whole_cell(cfg: LinkSettings, doc: Doc, t: Mention) -> bool:
    """Whether a bare "calcified" fills a cell of a table row, adverbs and parentheses
    aside ("| T1 | Liver S4 | calcified | 38 | 41 |", "Seg II   18 mm   11 mm
    (densely calcified)"): the row's lesion is calcified."""
    lw = token_view(doc).lower
    lines = cfg.lines(doc)
    if not lines.may_be_row(t.start_char):
        return False
    table = table_at(lines.text, t.start_char, cfg.table_cell_marks)
    if table is None:
        return False
    k = table.cell_at(t.start_char)
    if k is None:
        return False
    # The cell's first clause ("densely calcified, no enhancement").
    first = re.split(r"[,;]", table.row[k].text, maxsplit=1)[0]
    return title_words(first) <= cfg.predicate_adverbs | {lw[t.start]}


def _title_row_members(
    cfg: LinkSettings, doc: Doc, st: TargetState, mentions: Sequence[Mention]
) -> None:
    """Let the table rows below a target that opens the title row of a table ("Calcified
    liver lesions    Size" over "Lesion A (segment VII)    32 mm") lend it their places
    and sizes, one member per row that has any, as list items do."""
    t = st.mention
    rows = rows_below(cfg.lines(doc).text, t.start_char, cfg.table_cell_marks, cfg.max_list_items)
    if not rows:
        return
    starts = [m.start_char for m in mentions]
    members = 0
    for cells in rows:
        lo = bisect.bisect_left(starts, cells[0].start)
        hi = bisect.bisect_left(starts, cells[-1].end)
        lent = [
            m
            for m in mentions[lo:hi]
            if m.label in LENT_LABELS and not m.is_target and not m.proximal
        ]
        if any(m.label == "ORGAN" and m.value != LIVER for m in lent):
            break  # "Spleen | 12 mm": the table has left the liver's foci
        if not lent:
            continue
        members += 1
        st.attachments.extend(Attachment(m, TABLE_TIER, 0) for m in lent)
    st.listed_items = max(st.listed_items, members)


def _segment_column_cells(
    cfg: LinkSettings, doc: Doc, table: TextTable, sent: int
) -> Iterator[Mention]:
    """Couinaud segments written as a bare numeral in a column whose header is a segment
    word ("Obs | Seg | Size" over "1 | VII | 3.8 cm"): synthetic SEGMENT mentions."""
    for k, cell in enumerate(table.row):
        if not cfg.segment_header_words.intersection(title_words(table.title_of(k))):
            continue
        if not cfg.normalizer.parse_segments(f"segment {cell.text}"):
            continue
        span = doc.char_span(cell.start, cell.end, alignment_mode="expand")
        if span is not None:
            yield Mention(
                start=span.start,
                end=span.end,
                label="SEGMENT",
                rule_id=TABLE_CELL_SEGMENT_RULE,
                value=None,
                sent=sent,
                start_char=cell.start,
                end_char=cell.end,
            )


def _header_unit_sizes(
    cfg: LinkSettings, doc: Doc, table: TextTable, sent: int
) -> Iterator[tuple[int, Mention]]:
    """Sizes of the row's cells that hold only a number, in columns whose header names a
    unit ("Current (mm)" over "41"): synthetic SIZE mentions whose value is the size in mm."""
    for k, cell in enumerate(table.row):
        if not BARE_NUMBER.match(cell.text):
            continue
        factor = header_unit_factor(table.title_of(k), cfg.unit_to_mm)
        span = doc.char_span(cell.start, cell.end, alignment_mode="expand")
        if factor is None or span is None:
            continue
        value = float(cell.text.lstrip("~").replace(",", ".")) * factor
        yield (
            k,
            Mention(
                start=span.start,
                end=span.end,
                label="SIZE",
                rule_id=TABLE_CELL_SIZE_RULE,
                value=repr(round(value, 1)),
                sent=sent,
                start_char=cell.start,
                end_char=cell.end,
            ),
        )


def _without_bracketed_prior(
    cfg: LinkSettings, table: TextTable, sizes: Sequence[tuple[int, Mention]]
) -> list[Mention]:
    """The sizes, less one in parentheses in a cell that also holds one outside them, when
    the cell's header names a prior exam ("Size now (prior)" over "42 mm (43 mm)")."""
    kept: list[Mention] = []
    for k, m in sizes:
        cell = table.row[k]
        before = cell.text[: m.start_char - cell.start]
        bracketed = before.count("(") > before.count(")")
        if (
            bracketed
            and not cfg.table_prior_headers.isdisjoint(title_words(table.title_of(k)))
            and any(j == k and n is not m for j, n in sizes)
        ):
            continue
        kept.append(m)
    return kept


def _current_cells(cfg: LinkSettings, table: TextTable, cells: Sequence[int]) -> set[int]:
    """Of the row's cells that hold a size, those of the current exam: the cells under a
    header that names it ("Size now", "Current"), else all but those under a prior
    exam's header ("Prior", "Baseline"); empty when none is left."""
    titles = {k: title_words(table.title_of(k)) for k in cells}
    current = {k for k in cells if not cfg.table_current_headers.isdisjoint(titles[k])}
    if current:
        return current
    return {k for k in cells if cfg.table_prior_headers.isdisjoint(titles[k])}


def current_columns(
    cfg: LinkSettings, doc: Doc, t: Mention, attachments: Sequence[Attachment]
) -> list[Attachment]:
    """In a table row, drop the sizes in columns that the table's header names a prior
    exam's ("Lesion | Location | Current | Prior" over "L1 | Liver seg VII, calcified
    metastasis | 38 mm | 41 mm"), when a size in another column remains."""
    marks = cfg.table_cell_marks
    if len(attachments) < 2 or not any(
        a.mention.label == "SIZE" and a.mention.start > 0 and doc[a.mention.start - 1].text in marks
        for a in attachments
    ):
        return list(attachments)
    text = cfg.lines(doc).text  # the Doc's text, joined once per document
    line_start = text.rfind("\n", 0, t.start_char) + 1
    line_end = text.find("\n", t.start_char)
    line_end = len(text) if line_end < 0 else line_end
    if not is_table_row(text[line_start:line_end], marks):
        return list(attachments)
    # The header: the first row holding a letter of the block of rows above the target's.
    lettered = [
        text[start:end]
        for start, end in table_rows_above(text, line_start, marks)
        if any(c.isalpha() for c in text[start:end])
    ]
    header = lettered[-1] if lettered else ""
    if not header:
        return list(attachments)
    titles = [cell.lower() for cell in cfg.cell_split.split(header)]

    def prior_column(a: Attachment) -> bool:
        m = a.mention
        if not (line_start <= m.start_char < line_end):
            return False
        column = sum(text.count(mark, line_start, m.start_char) for mark in marks)
        return column < len(titles) and not cfg.table_prior_headers.isdisjoint(
            re.findall(r"[a-z]+", titles[column])
        )

    kept = [a for a in attachments if not (a.mention.label == "SIZE" and prior_column(a))]
    if any(a.mention.label == "SIZE" for a in kept):
        return kept
    return list(attachments)


def nearest_size_cell(
    cfg: LinkSettings, doc: Doc, t: Mention, attachments: Sequence[Attachment]
) -> list[Attachment]:
    """In a table row, of the cells that hold only a size before the target, the one
    nearest to it ("| L1 | VII | 41 mm | 34 mm | now densely calcified lesion |": the
    column next to the comment is the current size, the one before it a prior's)."""
    cells = [
        a
        for a in attachments
        if a.mention.end <= t.start
        and a.mention.start > 0
        and doc[a.mention.start - 1].text in cfg.table_cell_marks
        and a.mention.end < len(doc)
        and doc[a.mention.end].text in cfg.table_cell_marks
        and "\n" not in doc[a.mention.start : t.start].text
    ]
    if len(cells) < 2:
        return list(attachments)
    nearest = max(cells, key=lambda a: a.mention.start)
    return [a for a in attachments if a not in cells or a is nearest]
