"""Learning a form description from a blank Word template.

:func:`learn_form` reads a blank (a council's copy of the form, with or without our tags) and
returns a :class:`Learned` description with notes; ``based_on=`` an earlier version keeps its
ids wherever the wording still matches. :func:`check_blank` says where a blank no longer
matches a description; :func:`describe_fields` lists a form's fields for people.
"""

from __future__ import annotations

from .check import check_blank
from .learn import Learned, learn_form, learn_layout
from .show import describe_fields

__all__ = ["Learned", "check_blank", "describe_fields", "learn_form", "learn_layout"]
