import re

from django import forms

from project.lib.select import PlainSelect

CHOICES = [("", "Any"), ("Fruit", [("a", 'Apple & "pear"'), ("p", "Pear <b>")]), ("x", "Plum")]


def squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html).strip())


def test_it_renders_what_djangos_select_renders_apart_from_the_whitespace():
    for value in ("", "p", "x", None):
        expected = forms.Select(choices=CHOICES).render("fruit", value, {"id": "id_fruit", "class": "wide"})
        assert PlainSelect(choices=CHOICES).render("fruit", value, {"id": "id_fruit", "class": "wide"}) == squeezed(
            expected
        )


def test_it_escapes_labels_and_values_and_marks_the_chosen_option():
    html = PlainSelect(choices=[('"><script>', "<i>Bad</i>")]).render("f", '"><script>')
    assert '<option value="&quot;&gt;&lt;script&gt;" selected>&lt;i&gt;Bad&lt;/i&gt;</option>' in html
    assert "<script>" not in html and "<i>" not in html
