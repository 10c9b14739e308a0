"""One options validator for the window, the CLI, replays and imports (Ollama v0.10.1 rules)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from journal.core.errors import InvalidInputError
from journal.core.models import Run
from journal.core.option_schema import (
    MAX_DEPTH,
    OPTION_RULES,
    DurationError,
    OptionKind,
    go_duration,
    json_problem,
)
from journal.core.options import (
    UnknownOptionError,
    check_options,
    check_recorded,
    parse_assignments,
    parse_value,
)
from journal.core.replay import ReplayEdits, plan_replay


def test_the_known_options_are_those_of_ollama_0_10_1() -> None:
    # api/types.go at v0.10.1: the Options struct and the Runner struct it embeds.
    assert set(OPTION_RULES) == {
        "num_keep",
        "seed",
        "num_predict",
        "top_k",
        "top_p",
        "min_p",
        "typical_p",
        "repeat_last_n",
        "temperature",
        "repeat_penalty",
        "presence_penalty",
        "frequency_penalty",
        "stop",
        "num_ctx",
        "num_batch",
        "num_gpu",
        "main_gpu",
        "use_mmap",
        "num_thread",
    }
    kinds = {name: rule.kind for name, rule in OPTION_RULES.items()}
    assert kinds["use_mmap"] is OptionKind.BOOL and kinds["stop"] is OptionKind.STRINGS
    assert kinds["temperature"] is OptionKind.FLOAT and kinds["seed"] is OptionKind.INT


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("temperature", "0", 0.0),
        ("top_p", "1", 1.0),
        ("min_p", "0.05", 0.05),
        ("seed", "-1", -1),
        ("seed", "9223372036854775807", 2**63 - 1),
        ("top_k", "40.0", 40),  # whole, so Ollama reads the same number
        ("num_predict", "-2", -2),
        ("num_predict", "-1", -1),
        ("repeat_last_n", "-1", -1),
        ("num_gpu", "-1", -1),
        ("num_ctx", "1", 1),
        ("presence_penalty", "-1.5", -1.5),
        ("use_mmap", "false", False),
        ("stop", "###", ["###"]),
        ("stop", '["a", "b"]', ["a", "b"]),
        ("keep_alive", "1h30m", "1h30m"),
        ("keep_alive", "300ms", "300ms"),
        ("keep_alive", "-1", "-1"),
        ("keep_alive", "0", "0"),
        ("keep_alive", "90", "90"),
        ("keep_alive", "1.5h", "1.5h"),
        ("keep_alive", "2\u00b5s", "2\u00b5s"),
        ("think", "High", "high"),
        ("think", "off", False),
        ("repeat_penalty", "1.1", 1.1),
    ],
)
def test_values_that_mean_what_they_say_are_taken(key: str, text: str, value: Any) -> None:
    parsed = parse_value(key, text)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("temperature", "1e999", "Option temperature needs a finite number, not '1e999'."),
        ("temperature", "-0.1", "Option temperature must be at least 0, not -0.1."),
        ("temperature", "1e39", "Option temperature is beyond what Ollama can hold"),
        ("top_p", "1.5", "Option top_p must be between 0 and 1, not 1.5."),
        ("min_p", "-0.1", "Option min_p must be between 0 and 1"),
        ("typical_p", "2", "Option typical_p must be between 0 and 1"),
        ("seed", "abc", "Option seed needs a whole number, not 'abc'."),
        ("seed", "9223372036854775808", "Option seed must fit a 64-bit integer"),
        ("seed", "1e30", "Option seed must fit a 64-bit integer"),
        ("seed", "nan", "Option seed needs a finite number, not 'nan'."),
        ("top_k", "4.5", "Option top_k needs a whole number, not '4.5'."),
        ("top_k", "-1", "Option top_k must be between 0 and 2147483647, not -1."),
        ("num_predict", "-3", "Option num_predict must be at least -2 (-1: no limit, -2: until"),
        ("num_ctx", "0", "Option num_ctx must be between 1 and 2147483647, not 0."),
        ("num_keep", "-2", "Option num_keep must be between -1 and 2147483647"),
        ("num_batch", "lots", "Option num_batch needs a whole number, not 'lots'."),
        ("use_mmap", "maybe", "Option use_mmap needs true or false, not 'maybe'."),
        ("stop", "", "Option stop holds an empty text"),
        ("stop", "[1, 2]", "Option stop needs a list of texts, not [1, 2]."),
        ("stop", "[NaN]", "Option stop: NaN is not allowed"),
        ("keep_alive", "soon", "keep_alive takes a duration like 5m, 1h30m or 300ms"),
        ("keep_alive", "5", None),
        ("keep_alive", "5x", "(unknown unit 'x')"),
        ("keep_alive", "1.5", None),
        ("keep_alive", "+5", "(a number in a duration needs a unit"),
        ("keep_alive", "3000000h", "(longer than Ollama can count"),
        ("keep_alive", "9223372037", "keep_alive 9223372037 is more seconds than Ollama can"),
        ("think", "maybe", "think takes true, false, low, medium or high, not 'maybe'."),
    ],
)
def test_refusals_name_the_key_and_the_reason_in_one_line(
    key: str, text: str, message: str | None
) -> None:
    if message is None:
        parse_value(key, text)
        return
    with pytest.raises(InvalidInputError) as refused:
        parse_value(key, text)
    assert message in refused.value.message
    assert "\n" not in refused.value.message


def test_an_unknown_key_is_refused_with_a_suggestion_unless_forced() -> None:
    with pytest.raises(UnknownOptionError) as refused:
        parse_assignments(["temprature=0.2"])
    assert "temprature: did you mean temperature?" in refused.value.message
    assert refused.value.suggestion == "temperature"
    with pytest.raises(UnknownOptionError, match="did you mean top_p"):
        parse_assignments(["top-p=0.5"])
    with pytest.raises(UnknownOptionError, match="would silently ignore it"):
        parse_assignments(["flux_capacitor=1"])
    # Ollama v0.10.1 no longer knows mirostat: sending it would record a setting never used.
    with pytest.raises(UnknownOptionError):
        parse_assignments(["mirostat=2"])

    options, request = parse_assignments(
        ["temprature=0.2", 'shape={"a": [1]}', "keep_alive=5m"], allow_unknown=True
    )
    assert options == {"temprature": 0.2, "shape": {"a": [1]}}
    assert request == {"keep_alive": "5m"}
    with pytest.raises(InvalidInputError, match="'a b' is not an option name"):
        parse_assignments(["a b=1"], allow_unknown=True)
    # A key the run already recorded is not a new typo.
    assert parse_assignments(["mirostat=2"], recorded={"mirostat"})[0] == {"mirostat": 2}


def test_forced_values_are_still_checked() -> None:
    deep = "[" * 200 + "]" * 200
    for text, message in [
        ("1e999", "Option foo holds Infinity, which JSON cannot carry."),
        ("-1e999", "Option foo holds -Infinity"),
        (deep, f"Option foo is nested deeper than {MAX_DEPTH} levels."),
        ("[" * 5000 + "]" * 5000, "Option foo is nested too deeply."),
        ('"' + "x" * 20000 + '"', "Option foo is longer than 16384 characters"),
    ]:
        with pytest.raises(InvalidInputError) as refused:
            parse_assignments([f"foo={text}"], allow_unknown=True)
        assert refused.value.message.startswith(message), refused.value.message


def test_recorded_options_keep_their_keys_but_values_are_checked() -> None:
    check_recorded({"mirostat": 2, "tag": "007", "": None}, "5m", "low")
    # Ollama took it when the run was made: a replay sends it again, stricter ranges or not.
    check_recorded({"top_p": 1.5, "num_ctx": 0})
    cases: list[tuple[dict[str, Any], str]] = [
        ({"temperature": math.nan}, "Option temperature needs a finite number, not NaN."),
        ({"mirostat": math.inf}, "Option mirostat holds Infinity"),
        ({"seed": 2**63}, "Option seed must fit a 64-bit integer"),
        ({"top_k": 4.5}, "Option top_k needs a whole number, not 4.5."),
        ({"seed": True}, "Option seed needs a whole number, not true."),
        ({"stop": "###"}, "Option stop needs a list of texts"),
        ({"x": json.loads("[" * 30 + "]" * 30)}, "Option x is nested deeper than"),
        ({"x": "\ud800"}, "Option x holds text that is not valid Unicode"),
    ]
    for options, message in cases:
        with pytest.raises(InvalidInputError) as refused:
            check_recorded(options)
        assert refused.value.message.startswith(message), refused.value.message
    with pytest.raises(InvalidInputError, match="keep_alive takes a duration"):
        check_recorded({}, keep_alive="forever")
    with pytest.raises(InvalidInputError, match="think takes true, false"):
        check_recorded({}, think="extreme")


def test_typed_options_are_refused_when_new_and_unknown() -> None:
    check_options({"temperature": 0.2, "stop": ["a"]})
    with pytest.raises(UnknownOptionError):
        check_options({"temprature": 0.2})
    check_options({"temprature": 0.2}, allow_unknown=True)
    check_options({"temprature": 0.2}, recorded={"temprature"})
    with pytest.raises(InvalidInputError, match="keep_alive is a request field"):
        check_options({"keep_alive": "5m"}, allow_unknown=True)


# Each checked against Go's time.ParseDuration (go1.2x); None means Go refuses it.
GO_DURATIONS: list[tuple[str, int | None]] = [
    ("5m", 300_000_000_000),
    ("1h30m", 5_400_000_000_000),
    ("300ms", 300_000_000),
    ("-1s", -1_000_000_000),
    ("0", 0),
    ("-0", 0),
    ("+0", 0),
    (".5s", 500_000_000),
    ("5.s", 5_000_000_000),
    ("1.5h", 5_400_000_000_000),
    ("1\u00b5s", 1_000),
    ("1\u03bcs", 1_000),
    ("1us", 1_000),
    ("3m2m1h", 3_900_000_000_000),
    ("9223372036854775807ns", 9_223_372_036_854_775_807),
    ("-9223372036854775808ns", -9_223_372_036_854_775_808),
    ("2562047h47m16.854775807s", 9_223_372_036_854_775_807),
    ("0.1234567890123456789012345h", 444_444_440_444),
    ("1.00000000000000000000001s", 1_000_000_000),
    ("9223372036854775808ns", None),
    ("2562048h", None),
    ("", None),
    ("-", None),
    (".s", None),
    ("1", None),
    ("90", None),
    ("1e3s", None),
    ("5 m", None),
    (" 5m", None),
    ("1d", None),
]


@pytest.mark.parametrize(("text", "nanoseconds"), GO_DURATIONS)
def test_durations_read_as_go_reads_them(text: str, nanoseconds: int | None) -> None:
    if nanoseconds is None:
        with pytest.raises(DurationError):
            go_duration(text)
    else:
        assert go_duration(text) == nanoseconds


def test_json_problem_walks_without_recursion() -> None:
    deep: Any = []
    for _ in range(10_000):
        deep = [deep]
    assert json_problem(deep) == f"is nested deeper than {MAX_DEPTH} levels"
    assert json_problem({"a": [1, 2.5, None, True, "x"]}) is None
    assert json_problem(2**2000) == "holds a number too large for JSON readers"


def _run(options: dict[str, Any], keep_alive: str | None = None) -> Run:
    return Run(
        id=7,
        experiment_id=1,
        model="llama3:8b",
        messages=[{"role": "user", "content": "hi"}],
        options=options,
        keep_alive=keep_alive,
    )


def test_a_replay_sends_recorded_keys_and_refuses_new_unknown_ones() -> None:
    source = _run({"mirostat": 2, "temperature": 0.2})
    plan = plan_replay(source)
    assert plan.spec.options == {"mirostat": 2, "temperature": 0.2}
    edited = plan_replay(source, ReplayEdits(options={"mirostat": 1, "seed": 3}))
    assert edited.spec.options == {"mirostat": 1, "temperature": 0.2, "seed": 3}
    with pytest.raises(UnknownOptionError, match="temprature: did you mean temperature"):
        plan_replay(source, ReplayEdits(options={"temprature": 0.5}))
    forced = plan_replay(source, ReplayEdits(options={"temprature": 0.5}, allow_unknown=True))
    assert forced.spec.options["temprature"] == 0.5


def test_a_replay_refuses_a_recorded_value_that_cannot_be_sent() -> None:
    with pytest.raises(InvalidInputError, match="Option temperature needs a finite number"):
        plan_replay(_run({"temperature": math.nan}))
    with pytest.raises(InvalidInputError, match="keep_alive takes a duration"):
        plan_replay(_run({}, keep_alive="forever"))
    # The person can replace the bad value on the way.
    fixed = plan_replay(_run({"temperature": math.nan}), ReplayEdits(options={"temperature": 0}))
    assert fixed.spec.options == {"temperature": 0}
