"""Front-matter strings (a document's key, number, title and summary) are Jinja templates; plain ones are taken as
they are, without compiling, and must come out exactly as Jinja would give them."""
from __future__ import annotations

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from generator.render import render

TEXTS = ["Security policy", "Job description: {{ role.title }}", "", " spaced ", "two\nlines", "ends\n", "ends\n\n",
         "crlf\r\nline", "lone\rreturn", "brace { alone }", "{# note #}kept", "{% if true %}yes{% endif %}",
         "Ünïcödé – ‘quotes’ and 🙂", "tab\there", "percent % sign"]


@pytest.mark.parametrize("text", TEXTS)
def test_a_field_renders_as_jinja_renders_it(text):
    context = {"role": {"title": "Gate guard"}}
    jinja = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False).from_string(text).render(context)
    assert render._meta_field(text, context) == jinja
