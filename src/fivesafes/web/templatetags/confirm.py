"""`{% confirm %}`: an irreversible action asked twice (issue #16 item 6), without JavaScript.

    <form method="post" action="...">{% csrf_token %}
    {% confirm yes=_("Yes, accept the quote") style="danger" %}Accept the quote for {{ name }}
    {% consequences %}<p><strong>What happens:</strong> ...</p>{% endconfirm %}</form>

The first part is the button that opens the confirmation (a <summary>); the second says what
will happen and who is affected; the `yes` button inside submits the form.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


class ConfirmNode(template.Node):
    def __init__(self, label: NodeList, body: NodeList, options: dict[str, FilterExpression]):
        self.label, self.body, self.options = label, body, options

    def render(self, context: Any) -> SafeString:
        values = {name: str(value.resolve(context)) for name, value in self.options.items()}
        style = values.get("style", "")
        # rendered by the template engine, so already escaped: marked safe, not escaped twice
        label = mark_safe(self.label.render(context).strip())  # noqa: S308
        text = mark_safe(strip_tags(label))  # noqa: S308 - no tags left; entities stay escaped
        return format_html(
            '<details class="confirm {}"><summary>{}</summary>'
            '<div class="confirm-body" role="group" aria-label="{}">{}'
            '<button type="submit"{}>{}</button></div></details>',
            style,
            label,
            # the words escaped before the (escaped) label goes in, so nothing is escaped twice
            mark_safe(escape(_("Confirm: %(action)s")) % {"action": text}),  # noqa: S308
            mark_safe(self.body.render(context)),  # noqa: S308 - rendered, hence escaped
            format_html(' class="{}"', style) if style else "",
            values.get("yes") or _("Yes, go ahead"),
        )


@register.tag(name="confirm")
def confirm(parser: Parser, token: Token) -> ConfirmNode:
    bits = token.split_contents()[1:]
    options = template.base.token_kwargs(bits, parser)
    if bits or not set(options) <= {"yes", "style"}:
        raise template.TemplateSyntaxError("{% confirm %} takes yes=... and style=... only.")
    label = parser.parse(("consequences",))
    parser.delete_first_token()
    body = parser.parse(("endconfirm",))
    parser.delete_first_token()
    return ConfirmNode(label, body, options)
