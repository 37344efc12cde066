"""Table cells laid out once and reused by the next receipts that hold the same cell.

Most of a receipt's cells are the same on every receipt (labels, headings, the legal notes); laying out their text
with Pango was most of a render's layout. A cell's layout depends only on its content, its styles and its used
width, paddings and borders, so it is laid out once at the origin, kept, and each receipt gets a copy moved to
where its table puts the cell. Every cell, kept or not, goes through that same origin-then-move path, so a
receipt's bytes do not depend on which receipts came before it.

Only simple cells are kept: blocks, lines, inline boxes, text and inline images, in normal flow (no float,
positioning, running element, named string or anchor). A cell that does not fit on the page where its table puts
it is laid out there as usual.
"""

from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext, block

from services.receipts.rendering.kept import Kept

REUSABLE_BOX_TYPES = frozenset(
    {boxes.TableCellBox, boxes.BlockBox, boxes.LineBox, boxes.InlineBox, boxes.TextBox, boxes.InlineReplacedBox}
)
KEPT_CELLS_LIMIT = 2_000  # a receipt has about sixty cells, a dozen of them its own (names, numbers, digests)

weasyprint_block_container_layout = block.block_container_layout


class CellLayouts(Kept[tuple]):
    """Laid-out cells by what determines their layout."""

    LIMIT = KEPT_CELLS_LIMIT

    def lay_out(self, context: LayoutContext, cell: boxes.TableCellBox, page_is_empty: bool, bottom_space: float):
        """The laid-out copy of ``cell`` where the table placed it, or None when it must be laid out in place."""
        kept_alive: list = []
        content = _content_key(cell, kept_alive)
        if content is None:
            return None
        key = (content, page_is_empty, cell.width, *_edges(cell))
        x, y = cell.position_x, cell.position_y
        laid_out = self.find(key)
        if laid_out is None:
            cell.position_x = cell.position_y = 0
            result = weasyprint_block_container_layout(
                context, cell, 0, None, page_is_empty, [], [], None, None, None, False, None
            )
            cell.position_x, cell.position_y = x, y
            if result[0] is None or result[1] is not None:
                return None
            laid_out = (result, kept_alive)
            self.keep(key, laid_out)
        (new_cell, *rest), _ = laid_out
        placed = new_cell.deepcopy()
        placed.translate(x, y)
        if context.overflows_page(bottom_space, placed.position_y + placed.margin_height()):
            return None
        return (placed, *rest)


def _content_key(box: boxes.Box, kept_alive: list) -> tuple | None:
    """What ``box``'s layout depends on besides its used sizes, or None if it is not a box kept here. Styles and
    images are keyed by identity (the receipt's styles are shared between renders) and kept alive with the key."""
    style = box.style
    if (
        type(box) not in REUSABLE_BOX_TYPES
        or style["position"] != "static"
        or style["float"] != "none"
        or style["anchor"] is not None
        or style["string_set"] != "none"
    ):
        return None
    kept_alive.append(style)
    if isinstance(box, boxes.TextBox):
        return (id(style), box.text)
    if isinstance(box, boxes.InlineReplacedBox):
        kept_alive.append(box.replacement)
        return (id(style), id(box.replacement))
    children = []
    for child in box.children:
        child_key = _content_key(child, kept_alive)
        if child_key is None:
            return None
        children.append(child_key)
    return (type(box).__name__, id(style), tuple(children))


def _edges(cell: boxes.TableCellBox) -> tuple[float, ...]:
    """The cell's used paddings and borders: collapsed borders depend on its neighbours, not only its style."""
    return (
        cell.padding_top, cell.padding_right, cell.padding_bottom, cell.padding_left,
        cell.border_top_width, cell.border_right_width, cell.border_bottom_width, cell.border_left_width,
    )  # fmt: skip


def block_container_layout(
    context, box, bottom_space, skip_stack, page_is_empty, absolute_boxes, fixed_boxes, adjoining_margins,
    first_letter_style, first_line_style, discard, max_lines,
):  # fmt: skip
    """WeasyPrint's ``block_container_layout``, taking a table cell from the context's `CellLayouts` when it has
    one and the call is a table's for a whole cell."""
    cell_layouts = getattr(context, "cell_layouts", None)
    if (
        cell_layouts is not None
        and type(box) is boxes.TableCellBox
        and skip_stack is None
        and not (adjoining_margins or first_letter_style or first_line_style or discard)
        and max_lines is None
    ):
        laid_out = cell_layouts.lay_out(context, box, page_is_empty, bottom_space)
        if laid_out is not None:
            return laid_out
    return weasyprint_block_container_layout(
        context, box, bottom_space, skip_stack, page_is_empty, absolute_boxes, fixed_boxes, adjoining_margins,
        first_letter_style, first_line_style, discard, max_lines,
    )  # fmt: skip


block.block_container_layout = block_container_layout  # table layout looks it up here when it runs
