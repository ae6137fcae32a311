"""MkDocs hooks of the documentation site (mkdocs.yml ``hooks``; docs/index.md says how to build).

* Generated parts: a line ``<!-- generated: NAME -->`` in a page is replaced at build time by
  the Markdown that ``docs_pages.GENERATED[NAME]`` returns (the criteria tables, the input
  fields), so the site is always the code's own; an unknown name fails the build.
* Links out of ``docs/``: the pages link to source files (``../astct_grading/crs/models.py``) so
  that they read well in the repository. The site has no copy of those files, so such a link
  becomes its text (or a link into ``repo_url`` when one is configured); a link to a file that
  does not exist fails the build. ``../CHANGELOG.md`` becomes the generated changelog page.
"""

from __future__ import annotations

import logging
import posixpath
import re
from pathlib import Path
from typing import Any

from docs_pages import GENERATED, MARKER
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[1]
#: Logged under "mkdocs" so that --strict counts each warning.
log = logging.getLogger("mkdocs.plugins.astct_grading_docs")

#: Files outside docs/ that the site carries as pages: repository path -> page path.
COPIED_PAGES = {"CHANGELOG.md": "changelog.md"}
#: A Markdown inline link (not an image): ``[text](target)``.
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)\)")


def on_files(files: Files, config: MkDocsConfig, **_: Any) -> Files:
    """Add the pages copied from outside docs/ (the changelog)."""
    for source, page in COPIED_PAGES.items():
        content = (ROOT / source).read_text(encoding="utf-8")
        files.append(File.generated(config, page, content=content))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_: Any) -> str:
    """Insert the generated parts and rewrite the links that leave docs/."""
    where = page.file.src_uri
    return rewrite_links(insert_generated(markdown, where), where, config.repo_url)


def insert_generated(markdown: str, where: str) -> str:
    """Replace each ``<!-- generated: NAME -->`` line by its generated Markdown."""

    def generate(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in GENERATED:
            log.warning("%s: no generated part is called %r", where, name)
            return match.group(0)
        return GENERATED[name]()

    return MARKER.sub(generate, markdown)


def rewrite_links(markdown: str, where: str, repo_url: str | None) -> str:
    """Rewrite links that leave docs/ (see the module's docstring); other links stay."""
    page_dir = posixpath.dirname(where)

    def rewrite(match: re.Match[str]) -> str:
        text, target = match.group("text"), match.group("target")
        path, _, anchor = target.partition("#")
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or not path:
            return match.group(0)  # a URL, a mail address or an anchor on the same page
        inside_docs = posixpath.normpath(posixpath.join(page_dir, path))
        if not inside_docs.startswith("../"):
            return match.group(0)  # a page of the site: MkDocs checks it
        repository_path = inside_docs[len("../") :]
        if repository_path in COPIED_PAGES:
            local = posixpath.relpath(COPIED_PAGES[repository_path], page_dir or ".")
            return f"[{text}]({local}{'#' + anchor if anchor else ''})"
        if not (ROOT / repository_path).exists():
            log.warning("%s: the link %r names a file that does not exist", where, target)
            return match.group(0)
        if repo_url:
            return f"[{text}]({repo_url.rstrip('/')}/blob/main/{repository_path})"
        return text

    return LINK.sub(rewrite, markdown)
