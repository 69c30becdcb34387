"""Sphinx configuration of the ICN reference specification's site.

Everything protocol-specific on the site is generated from ``spec/`` at build time by the local
extension in ``_ext/icnspec_docs`` (see its module docstring). Build with::

    sphinx-build -W -b html docs docs/_build/html
"""

from __future__ import annotations

import os
import sys

DOCS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(DOCS))
sys.path.insert(0, os.path.join(DOCS, "_ext"))

project = "icn-spec"
author = "icn-spec developers"
copyright = "icn-spec developers; Apache-2.0"
release = "0.1.0"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "icnspec_docs",
]

root_doc = "index"
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"exclude-members": "__init__, __new__"}  # attrs and Exception plumbing
autodoc_class_signature = "separated"  # attrs records: fields are listed below the class, with their docs
add_module_names = False
python_display_short_literal_types = True

smartquotes = False  # keep quotes as written: the site quotes code and the brief verbatim
pygments_style = "sphinx"
highlight_language = "python3"

html_theme = "alabaster"
html_title = "ICN reference specification"
html_static_path = ["_static"]
html_css_files = ["icnspec.css"]
html_theme_options = {
    "description": "The Impossible Cloud Network protocol, as executable Python, checked.",
    "page_width": "1240px",
    "sidebar_width": "220px",
    "body_max_width": "none",
    "fixed_sidebar": True,
    "show_relbars": True,
    "github_button": False,
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
html_show_sourcelink = False
