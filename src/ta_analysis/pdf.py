"""The reports as printed documents: one PDF per report and the combined ``report.pdf``.

Rendered by WeasyPrint from HTML (no browser to download): the notebooks are exported without
code (nbconvert's plain template) and laid out with a print style sheet (CSS paged media): Letter
pages with numbers ("Page 3 of 41") and the chapter's name at the top, headings kept with what
follows, table headers repeated on every page and long words broken so that no table runs off
its page, and every exhibit on a page of its own at full width. The combined report
opens with a title page (the case caption is a parameter) and a table of contents with page
numbers, and ends with the declaration table and the methods appendix.

The same HTML gives the same PDF, byte for byte: no creation date is written, and WeasyPrint's
file identifier is derived from the content.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

DEFAULT_CAPTION = "Case caption not given (ta-analysis report --caption \"...\")"

PRINT_CSS = """
@page { size: Letter; margin: 2.0cm 1.8cm 2.2cm 1.8cm;
  @top-left { content: string(running); font-size: 7pt; color: #555; width: 48%; }
  @top-right { content: var(--caption); font-size: 7pt; color: #555; width: 48%; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #333; } }
@page :first { @top-left { content: none; } @top-right { content: none; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.4; color: #111; }
h1 { font-size: 17pt; margin: 0 0 .6em; string-set: running content(text); }
h2 { font-size: 12.5pt; margin: 1.2em 0 .4em; }
h3 { font-size: 10.5pt; margin: 1em 0 .3em; }
h1, h2, h3 { break-after: avoid; }
p, li { orphans: 3; widows: 3; }
a { color: inherit; text-decoration: none; }
a.anchor-link { display: none; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; font-size: 7.8pt; table-layout: auto; }
caption { caption-side: top; text-align: left; font-weight: bold; font-size: 8.5pt; padding-bottom: .3em; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { padding: 2pt 4pt; border-bottom: .5pt solid #bbb; vertical-align: top; overflow-wrap: break-word;
  text-align: left; }
td code { overflow-wrap: anywhere; }
th { border-bottom: 1pt solid #333; }
td.num, th.num, td[style*="right"], th[style*="right"] { text-align: right; }
td.num, td[style*="right"] { white-space: nowrap; }
th { overflow-wrap: normal; }
td:first-child { min-width: 7em; }
figure.exhibit { break-before: page; break-after: page; margin: 0; }
figure.exhibit img { width: 100%; }
figure.exhibit figcaption { font-size: 8pt; color: #333; margin-top: .4em; }
img { max-width: 100%; }
.chapter { break-before: page; }
.title-page { text-align: left; padding-top: 6cm; }
.title-page .caption { font-size: 13pt; font-weight: bold; }
.title-page h1 { font-size: 22pt; string-set: none; }
.toc ol { list-style: none; padding: 0; }
.toc li { margin: .35em 0; }
.toc a::after { content: leader(".") " " target-counter(attr(href), page); }
dl dt { font-weight: bold; margin-top: .4em; }
dl dd { margin: 0 0 .2em 1.2em; }
section.figure { break-inside: avoid; border-top: .5pt solid #999; padding-top: .3em; }
.caveat { border-left: 3pt solid #D55E00; padding-left: .6em; }
"""


def report_body(nb: nbformat.NotebookNode) -> str:
    """A report's content without code, prompts or the notebook's own styles (nbconvert's plain template)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    return body


def css_string(text: str) -> str:
    r"""``text`` as a quoted CSS string.

    >>> print(css_string('Doe v. "Alibaba" \\ 2026'))
    "Doe v. \"Alibaba\" \\ 2026"
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def document(title: str, body: str, caption: str = "") -> str:
    """A whole HTML page with the print style sheet; every page but the first names ``caption`` at its top."""
    css = PRINT_CSS.replace("var(--caption)", css_string(caption))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{css}</style></head>\n<body>\n{body}\n</body></html>\n")


def _chapter(anchor: str, title: str, body: str) -> str:
    # The report's own first heading (its title) is dropped: the chapter heading replaces it.
    body = re.sub(r"<h1\b[^>]*>.*?</h1>", "", body, count=1, flags=re.S)
    return f'<section class="chapter" id="{anchor}"><h1>{html.escape(title)}</h1>\n{body}\n</section>'


def combined(caption: str, subtitle: str, chapters: list[tuple[str, str, str]]) -> str:
    """The combined report as HTML: a title page, the contents with page numbers, then each chapter
    (anchor, title, body) on new pages."""
    toc = "\n".join(f'<li><a href="#{a}">{html.escape(t)}</a></li>' for a, t, _ in chapters)
    title_page = (f'<section class="title-page"><p class="caption">{html.escape(caption)}</p>'
                  f"<h1>Trade Assurance intake analysis</h1><p>{subtitle}</p></section>")
    contents = f'<nav class="toc chapter"><h2>Contents</h2><ol>{toc}</ol></nav>'
    return document("Trade Assurance intake analysis", title_page + contents + "\n".join(
        _chapter(a, t, b) for a, t, b in chapters), caption)


def write_pdf(page: str, path: Path, base: Path) -> Path:
    """Render an HTML page to ``path`` (relative links and images resolve against ``base``)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its notes on unsupported CSS are not the user's
    # A link to a file beside the report would become an absolute path of this machine in the PDF:
    # the text stays, the link goes (links within the document stay).
    page = re.sub(r'<a href="(?!#)[^"]*"', "<a", page)
    HTML(string=page, base_url=str(base)).write_pdf(path, uncompressed_pdf=False)
    return path
