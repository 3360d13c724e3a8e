"""A drop-down list rendered in Python. Django renders a select's every option through a template;
a council's 300 agencies in a filter cost more than the rest of the request list page."""

from html import escape

from django import forms
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict) -> str:
    # As Django's attrs.html writes them: in order, a true flag by its name alone, a false one left out.
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


def _option(option: dict) -> str:
    selected = " selected" if option["selected"] else ""
    return f'<option value="{escape(str(option["value"]))}"{selected}>{escape(str(option["label"]))}</option>'


class PlainSelect(forms.Select):
    """The same HTML as `forms.Select` (attributes, selection, groups), without a template per option."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group, options, _ in widget["optgroups"]:
            rendered = "".join(_option(o) for o in options)
            out.append(f'<optgroup label="{escape(str(group))}">{rendered}</optgroup>' if group else rendered)
        out.append("</select>")
        return mark_safe("".join(out))
