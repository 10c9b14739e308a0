"""The core hands the window a message template and its parameters; the CLI keeps the
English text, word for word as before."""

from __future__ import annotations

import pytest

from journal.core import messages
from journal.core.errors import (
    InvalidInputError,
    ModelNotFoundError,
    OllamaResponseError,
    OllamaTimeoutError,
    OllamaUnreachableError,
)
from journal.core.expectations import parse_expectation
from journal.core.input_rows import check_name, read_pasted
from journal.core.messages import Message, message


def test_an_error_carries_its_template_and_parameters_and_says_it_in_english() -> None:
    error = ModelNotFoundError("llama3.2:3b", "http://gpu:11434")
    assert error.core_message == Message(
        messages.MODEL_NOT_FOUND, {"model": "llama3.2:3b", "host": "http://gpu:11434"}
    )
    assert (
        str(error)
        == error.message
        == (
            "Model 'llama3.2:3b' is not available on http://gpu:11434. "
            "Pull it with `ollama pull llama3.2:3b`."
        )
    )


def test_the_english_text_is_unchanged() -> None:
    assert str(OllamaTimeoutError("http://h:1", "connect", 10.0)).startswith(
        "Ollama at http://h:1 did not answer within 10 s (connect timeout)."
    )
    assert str(OllamaResponseError("boom", 500)) == "Ollama reported an error (HTTP 500): boom"
    assert str(OllamaResponseError("boom")) == "Ollama reported an error (mid-stream): boom"
    assert str(OllamaUnreachableError("http://h:1", "refused")).startswith(
        "Cannot reach Ollama at http://h:1 (refused). Is it running?"
    )
    with pytest.raises(InvalidInputError, match=r"^'1x' cannot be a variable name: a name"):
        check_name("1x")
    with pytest.raises(InvalidInputError) as raised:
        read_pasted("", ["a"])
    assert raised.value.core_message == message(messages.PASTE_NOTHING)


def test_an_error_raised_with_plain_text_has_no_template() -> None:
    assert InvalidInputError("plain words").core_message is None


def test_a_message_only_takes_a_registered_template() -> None:
    with pytest.raises(ValueError, match="not a registered message template"):
        Message("Some text nobody listed for translation")


def test_every_template_is_registered_once_and_its_fields_are_named() -> None:
    assert len(set(messages.TEMPLATES)) == len(messages.TEMPLATES)
    assert all("{}" not in template for template in messages.TEMPLATES)
    defined = {
        value
        for name, value in vars(messages).items()
        if name.isupper() and not name.startswith("_") and isinstance(value, str)
    }
    assert defined - {messages.NAME_RULE} == set(messages.TEMPLATES)


def test_an_expectation_refused_says_its_reason_as_a_message_of_its_own() -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_expectation("words<=3.5")
    said = raised.value.core_message
    assert said is not None and said.template == messages.EXPECTATION_REFUSED
    reason = said.params["reason"]
    assert isinstance(reason, Message) and reason.template == messages.EXPECT_WHOLE_NUMBERS
    assert str(raised.value) == ("Expectation 'words<=3.5': words counts whole numbers: words<=50.")
