"""A document's Markdown as a download: the text itself (.md) or a Word file (.docx).

The Word file is built by walking markdown-it-py's token stream (the parser generation/rendering.py
uses for pages) into python-docx paragraphs: headings, bulleted and numbered lists (nested), bold,
italic, strikethrough, inline code and code blocks, quotes, tables, and links (shown as their text,
underlined, with the address after it unless the text is the address).
"""

import io
import re

from docx import Document as WordDocument
from docx.enum.text import WD_BREAK
from docx.shared import Pt, RGBColor
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

CODE_FONT = "Courier New"
LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)
# Characters Windows and macOS refuse in file names, and control characters.
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def export_filename(title: str, extension: str) -> str:
    """A file name made from the title that every desktop system accepts."""
    stem = " ".join(_UNSAFE_FILENAME.sub(" ", title).split()).strip(".")[:100].strip() or "document"
    return f"{stem}.{extension}"


def markdown_to_docx(title: str, markdown: str) -> bytes:
    """The Markdown as a .docx file, with the title as its core property (not repeated in the text)."""
    word = WordDocument()
    word.core_properties.title = title
    _Writer(word).write(_markdown.parse(markdown or ""))
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


class _Writer:
    """Block tokens open paragraphs; inline tokens become runs with the formatting in force."""

    def __init__(self, word):
        self.word = word
        self.lists = []  # "bullet" or "number" for each open list, outermost first
        self.quote_depth = 0
        self.table_rows = None  # the cells of the table being read
        self.paragraph = None

    def write(self, tokens):
        for token in tokens:
            handler = getattr(self, f"_{token.type}", None)
            if handler:
                handler(token)

    # Blocks
    def _heading_open(self, token):
        self.paragraph = self.word.add_heading(level=min(int(token.tag[1]), 9))

    def _paragraph_open(self, token):
        if self.table_rows is not None:
            return
        self.paragraph = self.word.add_paragraph(style=self._block_style())

    def _block_style(self):
        if self.lists:
            kind = "List Bullet" if self.lists[-1] == "bullet" else "List Number"
            depth = min(len(self.lists), 3)
            return kind if depth == 1 else f"{kind} {depth}"
        return "Quote" if self.quote_depth else None

    def _bullet_list_open(self, token):
        self.lists.append("bullet")

    def _ordered_list_open(self, token):
        self.lists.append("number")

    def _bullet_list_close(self, token):
        self.lists.pop()

    _ordered_list_close = _bullet_list_close

    def _blockquote_open(self, token):
        self.quote_depth += 1

    def _blockquote_close(self, token):
        self.quote_depth -= 1

    def _fence(self, token):
        self._code_block(token)

    def _code_block(self, token):
        paragraph = self.word.add_paragraph()
        lines = token.content.rstrip("\n").split("\n")
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.font.name = CODE_FONT
            run.font.size = Pt(10)
            if number < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)

    def _hr(self, token):
        self.word.add_paragraph("* * *")

    def _table_open(self, token):
        self.table_rows = []  # filled by the row and cell tokens, written at table_close

    def _tr_open(self, token):
        self.table_rows.append([])

    def _table_close(self, token):
        rows, self.table_rows = self.table_rows, None
        columns = max((len(row) for row in rows), default=0)
        if not columns:
            return
        table = self.word.add_table(rows=len(rows), cols=columns)
        table.style = "Table Grid"
        for row_index, row in enumerate(rows):
            for column, inline in enumerate(row):
                self.paragraph = table.cell(row_index, column).paragraphs[0]
                self._runs(inline.children or [], bold=row_index == 0)
        self.paragraph = None

    # Inline content
    def _inline(self, token):
        if self.table_rows is not None:
            self.table_rows[-1].append(token)
            return
        if self.paragraph is None:
            self.paragraph = self.word.add_paragraph(style=self._block_style())
        self._runs(token.children or [])

    def _runs(self, children, bold=False):
        style = {"bold": bold, "italic": False, "strike": False}
        link = None
        link_text = ""
        for child in children:
            kind = child.type
            if kind in ("strong_open", "strong_close"):
                style["bold"] = kind == "strong_open" or bold
            elif kind in ("em_open", "em_close"):
                style["italic"] = kind == "em_open"
            elif kind in ("s_open", "s_close"):
                style["strike"] = kind == "s_open"
            elif kind == "link_open":
                link, link_text = child.attrs.get("href", ""), ""
            elif kind == "link_close":
                if link and link != link_text:
                    self.paragraph.add_run(f" ({link})")
                link = None
            elif kind == "text" or kind == "code_inline":
                run = self.paragraph.add_run(child.content)
                run.bold, run.italic, run.font.strike = style["bold"], style["italic"], style["strike"]
                if kind == "code_inline":
                    run.font.name = CODE_FONT
                if link is not None:
                    run.underline = True
                    run.font.color.rgb = LINK_COLOUR
                    link_text += child.content
            elif kind == "softbreak":
                self.paragraph.add_run(" ")
            elif kind == "hardbreak":
                self.paragraph.add_run().add_break(WD_BREAK.LINE)
            elif kind == "image":
                self.paragraph.add_run(child.content or child.attrs.get("alt", ""))
