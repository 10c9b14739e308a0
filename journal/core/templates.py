"""Prompts with `{{name}}` variables, and the record a run keeps of them.

Only `{{name}}` with a plain name (letters, digits, `_`, not starting with a digit, no spaces)
is a variable, so the double braces of Go templates (`{{ .Prompt }}`) and of JSON stay plain
text; `{{{{` writes `{{`, for the rare text that needs a literal `{{name}}`. Values are put
in as they are and never read again: a value holding `{{x}}` sends `{{x}}`.

A missing value and a value no template uses are both refused before anything is sent: the
first would send a hole, the second is almost always a misspelt name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from journal.core.errors import InvalidInputError
from journal.core.messages import NAME_RULE

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# One scan, left to right: an escape is matched before a variable could start inside it.
_TOKEN = re.compile(r"\{\{\{\{|\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")
ESCAPE = "{{{{"


def variables(template: str) -> list[str]:
    """The names `template` uses, in the order of their first use."""
    names: dict[str, None] = {}
    for match in _TOKEN.finditer(template):
        if match.group(1) is not None:
            names.setdefault(match.group(1))
    return list(names)


def variables_of(templates: Iterable[str]) -> list[str]:
    """The names several templates (a prompt and a system prompt) use, first use first."""
    names: dict[str, None] = {}
    for template in templates:
        for name in variables(template):
            names.setdefault(name)
    return list(names)


def _names(names: Iterable[str]) -> str:
    listed = ", ".join(names)
    return listed or "none"


# How a missing value is asked for, with one name and with several: the CLI's words by
# default; the window has fields instead of NAME=VALUE (see `check_values`).
Ask = tuple[str, str]


def check_values(
    templates: Sequence[str], values: Mapping[str, str], ask: Ask | None = None
) -> None:
    """Refuse (InvalidInputError, one line) a name without a value or a value without use;
    `ask` says how to give a missing value, (for one name, for several)."""
    used = variables_of(templates)
    missing = [name for name in used if name not in values]
    if missing:
        what = "variable" if len(missing) == 1 else "variables"
        braces = ", ".join(f"{{{{{name}}}}}" for name in missing)
        how = f"give NAME=VALUE for each (values given: {_names(values)})"
        if ask is not None:
            how = ask[0] if len(missing) == 1 else ask[1]
        raise InvalidInputError(f"No value for the {what} {braces}: {how}.")
    unused = [name for name in values if name not in used]
    if unused:
        what = "value" if len(unused) == 1 else "values"
        raise InvalidInputError(
            f"The {what} for {', '.join(unused)} would be used nowhere: no {{{{name}}}} of "
            f"that name in the prompt or system prompt (they use: {_names(used)}); a typo?"
        )


def _substitute(template: str, values: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return "{{" if name is None else values[name]

    return _TOKEN.sub(replace, template)


def render_all(
    templates: Sequence[str], values: Mapping[str, str], ask: Ask | None = None
) -> list[str]:
    """Each template with its variables filled in, once every name and value checks out."""
    check_values(templates, values, ask)
    return [_substitute(template, values) for template in templates]


def render(template: str, values: Mapping[str, str]) -> str:
    """`template` with its variables filled in (see `render_all` for the checks)."""
    return render_all([template], values)[0]


def values_line(template: Any) -> str:
    """A run's variable values as one line ("word=kiwi, lang=French"), for a stored
    `run.template`; "" when there is none or it holds no values."""
    values = template.get("values") if isinstance(template, dict) else None
    if not isinstance(values, dict):
        return ""
    return ", ".join(f"{name}={value}" for name, value in values.items())


def parse_assignment(text: str) -> tuple[str, str]:
    """`NAME=VALUE` as (name, value); the value may hold `=` and may be empty."""
    name, equals, value = text.partition("=")
    if not equals:
        raise InvalidInputError(f"{text!r} is no variable value: write NAME=VALUE, as word=kiwi.")
    if not NAME.fullmatch(name):
        raise InvalidInputError(f"{name!r} cannot be a variable name: {NAME_RULE}.")
    return name, value


def parse_assignments(texts: Iterable[str]) -> dict[str, str]:
    """Several `NAME=VALUE`, in the order given; a name given twice is refused."""
    values: dict[str, str] = {}
    for text in texts:
        name, value = parse_assignment(text)
        if name in values:
            raise InvalidInputError(f"The variable {name} is given twice; give it once.")
        values[name] = value
    return values


@dataclass(frozen=True)
class TemplateRecord:
    """What a run was made from: its prompt and system prompt templates and the values.

    Stored in `run.template` as {"prompt": ..., "system": ..., "values": {...}}; a run that
    used no template stores NULL."""

    prompt: str
    system: str = ""
    values: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"prompt": self.prompt, "system": self.system, "values": dict(self.values)}

    @classmethod
    def from_json(cls, value: Any) -> TemplateRecord:
        """The record as stored; InvalidInputError says what is wrong with its shape."""
        if not isinstance(value, dict) or set(value) != {"prompt", "system", "values"}:
            raise InvalidInputError(
                "the template must be an object with prompt, system and values, only"
            )
        prompt, system, values = value["prompt"], value["system"], value["values"]
        if not isinstance(prompt, str) or not isinstance(system, str):
            raise InvalidInputError("the template's prompt and system must be text")
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise InvalidInputError("the template's values must be an object of texts")
        for name in values:
            if not NAME.fullmatch(name):
                raise InvalidInputError(f"{name!r} cannot be a variable name: {NAME_RULE}")
        return cls(prompt, system, dict(values))

    def rendered(self) -> tuple[str, str]:
        """(prompt, system prompt) as sent; InvalidInputError if the values do not fit."""
        prompt, system = render_all([self.prompt, self.system], self.values)
        return prompt, system


@dataclass(frozen=True)
class RenderedTexts:
    """What to send, and the record to keep (None when there was nothing to fill in)."""

    prompt: str
    system: str
    template: TemplateRecord | None


def render_run(
    prompt: str, system: str, values: Mapping[str, str], ask: Ask | None = None
) -> RenderedTexts:
    """A run's prompt and system prompt as sent, checked together; the template is kept
    whenever rendering changed anything or used a value, so the run can say what it was
    made from. A prompt without variables and escapes is sent and stored as it is; one
    that only its values filled is refused when they leave it blank."""
    sent_prompt, sent_system = render_all([prompt, system], values, ask)
    if prompt.strip() and not sent_prompt.strip():
        raise InvalidInputError("The prompt is empty once its variables are filled in.")
    if not values and sent_prompt == prompt and sent_system == system:
        return RenderedTexts(prompt, system, None)
    return RenderedTexts(sent_prompt, sent_system, TemplateRecord(prompt, system, dict(values)))


def check_recorded(template: Any, prompt: str, system: str) -> None:
    """Refuse a recorded template (InvalidInputError, a reason without a final stop) that
    does not give the run's prompt and system prompt: an import checks this before writing."""
    record = TemplateRecord.from_json(template)
    try:
        sent_prompt, sent_system = record.rendered()
    except InvalidInputError as error:
        raise InvalidInputError(error.message.rstrip(".")) from None
    if sent_prompt != prompt:
        raise InvalidInputError("the prompt is not what its template and values render to")
    if sent_system != system:
        raise InvalidInputError("the system prompt is not what its template and values render to")
