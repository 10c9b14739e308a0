"""Templates: which `{{name}}` is a variable, rendering, the checks before anything is sent,
`NAME=VALUE` arguments, and the record a run keeps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.core.errors import InvalidInputError
from journal.core.templates import (
    TemplateRecord,
    check_recorded,
    parse_assignments,
    render,
    render_all,
    render_run,
    values_line,
    variables,
)

# -- what is a variable --------------------------------------------------------------------


def test_variables_in_order_of_first_use() -> None:
    assert variables("{{b}} and {{a}} then {{b}} {{_x9}}") == ["b", "a", "_x9"]


@pytest.mark.parametrize(
    "text",
    [
        "{{ .Prompt }}",
        '{{"a": 1}}',
        '{"a": {"b": 1}}',
        "{{ name }}",
        "{{9lives}}",
        "{{a-b}}",
        "{{}}",
        "{{name}",
        "{name}}",
        "{{{{name}}",
    ],
)
def test_anything_else_in_double_braces_is_plain_text(text: str) -> None:
    assert variables(text) == []
    assert render(text, {}) == text.replace("{{{{", "{{")


def test_four_braces_write_two() -> None:
    assert render("literal {{{{word}} and {{word}}", {"word": "kiwi"}) == (
        "literal {{word}} and kiwi"
    )
    assert variables("{{{{word}}") == []


def test_a_value_is_put_in_as_it_is_and_never_read_again() -> None:
    assert render("say {{word}}", {"word": "{{x}} {{{{ $1 \\1"}) == "say {{x}} {{{{ $1 \\1"


# -- the checks ----------------------------------------------------------------------------


def test_a_missing_variable_is_named_with_what_is_given_on_one_line() -> None:
    with pytest.raises(InvalidInputError) as refused:
        render_all(["say {{word}} to {{city}}", "in {{lang}}"], {"word": "hi", "lang": "fr"})
    assert refused.value.message == (
        "No value for the variable {{city}}: give NAME=VALUE for each (values given: word, lang)."
    )
    with pytest.raises(InvalidInputError, match=r"variables \{\{a\}\}, \{\{b\}\}: .*given: none"):
        render("{{a}}{{b}}", {})


def test_a_value_no_template_uses_is_refused_as_a_likely_typo() -> None:
    with pytest.raises(InvalidInputError) as refused:
        render_all(["say {{word}}", ""], {"word": "hi", "wrod": "hi"})
    assert refused.value.message == (
        "The value for wrod would be used nowhere: no {{name}} of that name in the prompt or "
        "system prompt (they use: word); a typo?"
    )
    assert "\n" not in refused.value.message


def test_a_value_used_by_the_system_prompt_alone_is_used() -> None:
    assert render_all(["hi", "be {{mood}}"], {"mood": "brief"}) == ["hi", "be brief"]


# -- NAME=VALUE ----------------------------------------------------------------------------


def test_assignments_keep_equals_signs_and_empty_values() -> None:
    assert parse_assignments(["a=b=c", "empty=", "_x1= spaced "]) == {
        "a": "b=c",
        "empty": "",
        "_x1": " spaced ",
    }


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("word", "'word' is no variable value: write NAME=VALUE, as word=kiwi."),
        ("1x=a", "'1x' cannot be a variable name: a name starts with a letter or _ and holds "
         "only letters, digits and _."),
        (" a=b", "' a' cannot be a variable name"),
        ("=b", "'' cannot be a variable name"),
        ("a-b=c", "'a-b' cannot be a variable name"),
    ],
)  # fmt: skip
def test_a_bad_assignment_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_assignments([text])
    assert refused.value.message.startswith(reason)


def test_a_name_given_twice_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="word is given twice"):
        parse_assignments(["word=a", "word=b"])


# -- what a run keeps ----------------------------------------------------------------------


def test_a_run_without_variables_keeps_no_template() -> None:
    plain = render_run("{{ .Prompt }} as is", "system", {})
    assert (plain.prompt, plain.system, plain.template) == ("{{ .Prompt }} as is", "system", None)


def test_a_run_with_variables_or_escapes_keeps_its_template() -> None:
    texts = render_run("say {{word}}", "be {{mood}}", {"word": "kiwi", "mood": "{{x}}"})
    assert (texts.prompt, texts.system) == ("say kiwi", "be {{x}}")
    assert texts.template == TemplateRecord(
        "say {{word}}", "be {{mood}}", {"word": "kiwi", "mood": "{{x}}"}
    )
    escaped = render_run("{{{{literal}}", "", {})
    assert escaped.prompt == "{{literal}}"
    assert escaped.template == TemplateRecord("{{{{literal}}", "", {})


def test_a_recorded_template_must_give_the_text_that_was_sent() -> None:
    record = TemplateRecord("say {{word}}", "", {"word": "kiwi"}).to_json()
    check_recorded(record, "say kiwi", "")
    with pytest.raises(InvalidInputError, match=r"^the prompt is not what its template"):
        check_recorded(record, "say lime", "")
    with pytest.raises(InvalidInputError, match=r"^the system prompt is not what"):
        check_recorded(record, "say kiwi", "extra")
    with pytest.raises(InvalidInputError, match=r"^No value for the variable \{\{word\}\}"):
        check_recorded({**record, "values": {}}, "say kiwi", "")
    with pytest.raises(InvalidInputError, match="prompt, system and values, only"):
        check_recorded({"prompt": "x"}, "x", "")
    with pytest.raises(InvalidInputError, match="values must be an object of texts"):
        check_recorded({**record, "values": {"word": 1}}, "say 1", "")


# -- properties ----------------------------------------------------------------------------

NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,5}", fullmatch=True)
BRACEY = st.text(alphabet="{}ab _.\"'1 \n", max_size=40)


@given(BRACEY)
def test_a_template_without_variables_comes_back_unchanged_but_for_escapes(text: str) -> None:
    if variables(text):
        return
    assert render(text, {}) == text.replace("{{{{", "{{")


# Values with no brace and no name character cannot build a `{{name}}` with the text around.
PLAIN_VALUES = st.text(alphabet=" .,;:!?-+*/()[]<>$\\\n", min_size=1, max_size=10)
PIECES = st.lists(
    st.one_of(
        st.text(alphabet="{}ab _.\"' \n", max_size=8).filter(lambda t: "{{{{" not in t),
        NAMES.map(lambda name: f"{{{{{name}}}}}"),
    ),
    max_size=8,
)


@given(PIECES, st.data())
def test_rendered_text_holds_no_substituted_variable_unless_a_value_brings_it(
    pieces: list[str], data: st.DataObject
) -> None:
    template = "".join(pieces)
    if "{{{{" in template:
        return  # an escape writes `{{` on purpose: covered above
    used = variables(template)
    values = {name: data.draw(PLAIN_VALUES) for name in used}
    rendered = render(template, values)
    assert not set(variables(rendered)) & set(used)
    # A value that holds a variable is sent as it is, never rendered again.
    if used:
        name = used[0]
        inner = f"{{{{{name}}}}}"
        again = render(template, {**values, name: inner})
        assert name in variables(again)


@given(st.text(max_size=30), st.text(max_size=30))
def test_any_value_is_sent_verbatim(before: str, value: str) -> None:
    if variables(before) or "{" in before[-1:]:
        return
    assert render(before + "{{v}}", {"v": value}) == before.replace("{{{{", "{{") + value


def test_the_window_asks_for_a_missing_value_in_its_own_words() -> None:
    ask = ("type its value under Variables", "type their values under Variables")
    with pytest.raises(InvalidInputError) as one:
        render_run("say {{word}} in {{lang}}", "", {"word": "kiwi"}, ask)
    assert (
        one.value.message == "No value for the variable {{lang}}: type its value under Variables."
    )
    with pytest.raises(InvalidInputError) as two:
        render_run("say {{word}} in {{lang}}", "", {}, ask)
    assert two.value.message == (
        "No value for the variables {{word}}, {{lang}}: type their values under Variables."
    )


def test_values_line_says_a_runs_values_in_one_line() -> None:
    assert values_line({"prompt": "", "system": "", "values": {"word": "kiwi", "lang": "fr"}}) == (
        "word=kiwi, lang=fr"
    )
    assert values_line(None) == ""
    assert values_line({"values": "not a dict"}) == ""


def test_a_prompt_its_values_leave_blank_is_refused_for_the_cli_and_the_window_alike() -> None:
    with pytest.raises(InvalidInputError, match="empty once its variables are filled in"):
        render_run("{{word}}", "", {"word": "  "})
    assert render_run("say {{word}}", "", {"word": ""}).prompt == "say "
