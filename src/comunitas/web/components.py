"""Block tags for the page parts in ``templates/components/``.

Django's inclusion tags take values only; a table or a chart also needs the caller's markup (the
rows, the shapes). ``block_component`` registers a tag that works like an inclusion tag (the
function's signature gives the parameters and their defaults, its dict is the component's whole
context, nothing leaks in from the page) and passes the markup written between the opening and
the closing tag as ``body``, split into named sections by bare tags::

    {% chart "sales" title width=chart.width height=chart.height %}
      …shapes…                      ← body
    {% desc %}…                     ← section "desc"
    {% endchart %}

Sections are rendered in the page's context, stripped; sections listed as ``unlocalized`` are
rendered as under ``{% localize off %}`` (SVG coordinates must stay "12.5", never "12,5").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from inspect import getfullargspec, unwrap
from typing import Any

from django import template
from django.template.library import parse_bits
from django.utils.safestring import SafeString


class ComponentNode(template.Node):
    def __init__(
        self,
        template_name: str,
        func: Callable[..., dict[str, Any]],
        args: list,
        kwargs: dict,
        sections: dict[str, template.NodeList],
        unlocalized: frozenset[str],
    ):
        self.template_name = template_name
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.sections = sections
        self.unlocalized = unlocalized
        self.nodelist = template.NodeList(node for part in sections.values() for node in part)

    def render_section(self, name: str, context) -> SafeString:
        """The caller's markup, already escaped where the page escapes it."""
        previous = context.use_l10n
        if name in self.unlocalized:
            context.use_l10n = False
        try:
            return SafeString(self.sections[name].render(context).strip())
        finally:
            context.use_l10n = previous

    def render(self, context) -> str:
        values = self.func(
            *(arg.resolve(context) for arg in self.args),
            **{key: value.resolve(context) for key, value in self.kwargs.items()},
        )
        for name in self.sections:
            values[name] = self.render_section(name, context)
        component = context.template.engine.get_template(self.template_name)
        return component.render(context.new(values))


def block_component(
    register: template.Library,
    template_name: str,
    *,
    sections: Iterable[str] = (),
    unlocalized: Iterable[str] = (),
):
    """Register the decorated function as the block tag ``{% name … %}…{% endname %}``."""
    allowed = tuple(sections)

    def decorator(func: Callable[..., dict[str, Any]]):
        name = func.__name__
        end = f"end{name}"
        params, varargs, varkw, defaults, kwonly, kwonly_defaults, _ = getfullargspec(unwrap(func))

        def compile_tag(parser, token):
            args, kwargs = parse_bits(
                parser,
                token.split_contents()[1:],
                params,
                varargs,
                varkw,
                defaults,
                kwonly,
                kwonly_defaults,
                False,
                name,
            )
            found: dict[str, template.NodeList] = {}
            section = "body"
            while True:
                found[section] = parser.parse((*allowed, end))
                section = parser.next_token().contents
                if section == end:
                    break
                if section in found:
                    raise template.TemplateSyntaxError(f"{{% {section} %}} twice in {{% {name} %}}")
            return ComponentNode(template_name, func, args, kwargs, found, frozenset(unlocalized))

        register.tag(name, compile_tag)
        return func

    return decorator
