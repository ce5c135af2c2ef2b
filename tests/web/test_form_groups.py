"""A group of options is a fieldset named by its question (WCAG 1.3.1): a screen reader that
enters the radio buttons of a certification question reads the question, not only the first
option; a single input keeps its label, and the error summary links to either."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string


class Question(forms.Form):
    encrypted = forms.ChoiceField(
        label="May data be taken home on a USB stick?",
        choices=[("yes", "Yes, if encrypted"), ("no", "No, never")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Your note")


def test_options_are_a_fieldset_with_the_question_as_legend_and_a_text_keeps_its_label() -> None:
    page = render_to_string("web/form_fields.html", {"form": Question()})
    group = page[page.index("<fieldset") : page.index("</fieldset>")]
    assert "<legend>May data be taken home on a USB stick?" in group
    assert 'type="radio"' in group and "Yes, if encrypted" in group and "No, never" in group
    assert 'label for=""' not in page
    assert '<label for="id_note">Your note' in page


def test_the_error_summary_links_to_the_group_of_options() -> None:
    form = Question(data={"note": "x"})
    assert not form.is_valid()
    page = render_to_string("web/form_fields.html", {"form": form})
    assert '<a href="#id_encrypted">May data be taken home on a USB stick?:' in page
    assert '<fieldset class="field has-error" id="id_encrypted"' in page
