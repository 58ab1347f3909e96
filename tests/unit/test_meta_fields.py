"""Front-matter strings (a document's key, number, title and summary) are Jinja templates; plain ones are taken as
they are, without compiling, and must come out exactly as Jinja would give them."""
from __future__ import annotations

import types

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


FIELD_TEXTS = ["Job description: {{ role.title }}", "JD-{{ role.code }}", "{{role.code}}-{{ role.title }}",
               "{{ role.code | lower }}", "{{ role.number }}", "{{ role.missing }}", "{{ site.title }}",
               "}} {{ role.title }}", "{{ role.title }} {% raw %}x{% endraw %}", "{{ role.title }}\n",
               "{{ role._hidden }}", "{{  role.title  }}", "{{ role.title }}{{ role.title }}", "{ {{ role.code }} }"]


@pytest.mark.parametrize("text", FIELD_TEXTS)
def test_a_field_that_only_prints_fields_fills_them_as_jinja_does(text):
    """Text with `{{ variable.field }}` alone is filled in without Jinja: the same text, and Jinja's own error
    where a field is not there."""
    context = {"role": types.SimpleNamespace(title="Gate guard", code="GG-1", number=7, _hidden="x")}
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    try:
        jinja = env.from_string(text).render(context)
    except Exception as exc:   # noqa: BLE001 - the same failure, whatever it is
        with pytest.raises(type(exc)):
            render._meta_field(text, context)
    else:
        assert render._meta_field(text, context) == jinja
