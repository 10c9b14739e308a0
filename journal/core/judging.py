"""Grading through Ollama: `similar` (cosine similarity of embeddings) and `judge` (a local
model grading the answer by a rubric, through structured output).

Both are slow next to the deterministic kinds (a model may have to be loaded), so they run
in the background (`journal.core.grading_queue`), wait behind the person's runs on the same
host (`host_gate`), and are recorded with everything needed to audit or re-ask them: the
model and its digest, the options, the exact prompt or texts sent, the raw reply. Those
records live in the grade, never as runs: a judge's call must not fill the list, the matrix
or the stats.

The judge's prompt is fixed and versioned (`JUDGE_PROMPT_VERSION`): the rubric, the
conversation that asked for the answer, and the answer, each between tags, and a reply
forced into `JUDGE_SCHEMA`. A reply that does not parse, a score outside 0..1, or a score
between the thresholds (FAIL_AT < score < PASS_AT) or at odds with the pass flag is
"unsure": a person should look.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

from journal.core import messages
from journal.core.cancel import CancelToken
from journal.core.errors import JournalError, OllamaError
from journal.core.expectations import Expectation, Kind, is_finite_number, parse_json
from journal.core.formatting import one_line
from journal.core.grading import Gradable, GradeResult, GradeStatus, NoSuchTurn, text_of, turn_of
from journal.core.messages import Message, message
from journal.core.ollama_service import ChatRequest, OllamaService

__all__ = [
    "FAIL_AT",
    "JUDGE_OPTIONS",
    "JUDGE_PROMPT_VERSION",
    "JUDGE_SCHEMA",
    "JUDGE_SYSTEM_PROMPT",
    "PASS_AT",
    "JudgedRun",
    "cosine",
    "judge",
    "judge_messages",
    "read_judge_reply",
    "similar",
]

JUDGE_PROMPT_VERSION = 1
"""Bumped whenever the prompt or the schema below changes; recorded with every judgement."""

JUDGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "pass": {"type": "boolean"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "reason": {"type": "string"},
    },
    "required": ["pass", "score", "reason"],
}

JUDGE_SYSTEM_PROMPT = (
    "You grade answers written by an AI model. You are given a rubric, the conversation "
    "that asked for the answer, and the answer. Decide whether the answer meets the "
    "rubric; judge only what the rubric asks for. Reply with a JSON object only: "
    '"pass" (true if the answer meets the rubric, false if not), "score" (a number from '
    '0 to 1: 1 meets the rubric fully, 0 not at all) and "reason" (one short sentence '
    "saying why)."
)

JUDGE_OPTIONS: dict[str, Any] = {"temperature": 0.0, "seed": 42, "num_predict": 512}
"""The judge's default options: the same question gets the same judgement, and a judge
that rambles is cut (its reply then does not parse: unsure)."""

PASS_AT = 0.7
FAIL_AT = 0.3
"""A judge's score passes at PASS_AT or more (with pass true), fails at FAIL_AT or less
(with pass false); anything between, or a flag at odds with the score, is unsure."""

_REASON_LIMIT = 200


class JudgedRun(Gradable, Protocol):
    """What the judge reads of a run besides its text: the question that was asked."""

    @property
    def system_prompt(self) -> str: ...
    @property
    def messages(self) -> list[dict[str, Any]]: ...


# -- judge -----------------------------------------------------------------------------------


def judge_messages(
    rubric: str, conversation: Sequence[dict[str, Any]], answer: str, system_prompt: str = ""
) -> list[dict[str, str]]:
    """The exact messages sent to the judge (prompt version JUDGE_PROMPT_VERSION)."""
    turns = [f"system: {system_prompt}"] if system_prompt else []
    turns += [
        f"{message.get('role', 'user')}: {message.get('content', '')}" for message in conversation
    ]
    question = "\n\n".join(turns)
    user = (
        f"<rubric>\n{rubric}\n</rubric>\n\n"
        f"<conversation>\n{question}\n</conversation>\n\n"
        f"<answer>\n{answer}\n</answer>\n\n"
        "Does the answer meet the rubric?"
    )
    return [
        {"role": "system", "content": JUDGE_SYSTEM_PROMPT},
        {"role": "user", "content": user},
    ]


def read_judge_reply(raw: str, *, cut: bool = False) -> tuple[GradeStatus, float | None, str]:
    """(pass / fail / unsure, the judge's score when it is a usable one, why) from the raw
    reply; `cut` says the reply was stopped by num_predict."""
    status, score, why = _read_reply(raw, cut=cut)
    return status, score, _english(why)


def _english(why: str | Message) -> str:
    return why.english() if isinstance(why, Message) else why


def _read_reply(raw: str, *, cut: bool) -> tuple[GradeStatus, float | None, str | Message]:
    """read_judge_reply, its why a template when the journal says it (the window translates
    it), the judge's own words when they are the reason."""
    unsure = GradeStatus.UNSURE
    try:
        reply = parse_json(raw.strip())
    except (ValueError, RecursionError) as exc:
        if cut:
            return unsure, None, message(messages.J_REPLY_CUT)
        detail = str(exc).split(":")[0]
        return unsure, None, message(messages.J_REPLY_NOT_JSON, detail=detail)
    if not isinstance(reply, dict):
        return unsure, None, message(messages.J_REPLY_NOT_OBJECT)
    passed, score, reason = reply.get("pass"), reply.get("score"), reply.get("reason")
    if not isinstance(passed, bool) or not isinstance(reason, str):
        return unsure, None, message(messages.J_REPLY_LACKS)
    why: str | Message = one_line(reason, _REASON_LIMIT) or message(messages.J_REPLY_NO_REASON)
    if not is_finite_number(score) or not 0 <= score <= 1:
        return unsure, None, message(messages.J_REPLY_BAD_SCORE, score=score, why=why)
    value = float(score)
    if passed and value >= PASS_AT:
        return GradeStatus.PASS, value, why
    if not passed and value <= FAIL_AT:
        return GradeStatus.FAIL, value, why
    template = messages.J_REPLY_UNSURE_PASS if passed else messages.J_REPLY_UNSURE_FAIL
    return unsure, value, message(template, score=value, why=why)


def judge(
    service: OllamaService,
    model: str,
    expectation: Expectation,
    run: JudgedRun,
    *,
    cancel: CancelToken | None = None,
    options: dict[str, Any] | None = None,
    conversation: Sequence[JudgedRun] | None = None,
) -> GradeResult:
    """Ask `model` on `service` whether the run's answer meets the rubric (for a turn
    target, that turn's answer to that turn's question, `conversation` being the runs the
    graded run ends, root first).

    Never raises for Ollama's failures or a missing model: those are an `error` grade that
    says what to do. StreamCancelled (from `cancel`) is raised: a cancelled judgement is no
    judgement, and nothing should be recorded."""
    if expectation.kind is not Kind.JUDGE:
        raise ValueError(f"{expectation.kind} is not a judge expectation")
    try:
        asked = turn_of(expectation.target, run, conversation)
        answer = text_of(expectation, run, conversation)
    except NoSuchTurn as exc:
        return GradeResult(GradeStatus.ERROR, str(exc), said=exc.said)
    sent_options = {**JUDGE_OPTIONS, **(options or {})}
    record: dict[str, Any] = {
        "kind": "judge",
        "host": service.host,
        "model": model,
        "prompt_version": JUDGE_PROMPT_VERSION,
        "options": sent_options,
        "format": JUDGE_SCHEMA,
        "pass_at": PASS_AT,
        "fail_at": FAIL_AT,
    }
    if not model:
        return _error(message(messages.J_NO_JUDGE_MODEL), record)
    found = _find(service, model, "judge", "models.judge", record)
    if isinstance(found, GradeResult):
        return found
    sent = judge_messages(expectation.value, asked.messages, answer, asked.system_prompt)
    record["messages"] = sent
    content: list[str] = []
    thinking: list[str] = []

    def collect(part: str, thought: str) -> None:
        content.append(part)
        thinking.append(thought)

    try:
        final = service.chat(
            ChatRequest(model, sent, options=sent_options, format=JUDGE_SCHEMA),
            collect,
            cancel,
            background=True,
        )
    except OllamaError as exc:
        record["raw_reply"] = "".join(content)
        return _error(message(messages.J_JUDGE_FAILED, model=model, detail=_said(exc)), record)
    raw = "".join(content)
    record.update(raw_reply=raw, thinking="".join(thinking), final=final)
    status, score, why = _read_reply(raw, cut=final.get("done_reason") == "length")
    if expectation.negated and status.decided:
        status = GradeStatus.FAIL if status is GradeStatus.PASS else GradeStatus.PASS
        score = None if score is None else 1.0 - score
    said = message(messages.J_SAID, model=model, why=why)
    return GradeResult(status, said.english(), score if status.decided else None, record, said)


# -- similar -------------------------------------------------------------------------------


def cosine(a: Sequence[float], b: Sequence[float]) -> float | None:
    """The cosine similarity of two vectors; None when one has no length or they differ."""
    if len(a) != len(b) or not a:
        return None
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    if not norm or not math.isfinite(norm):
        return None
    return sum(x * y for x, y in zip(a, b, strict=True)) / norm


def similar(
    service: OllamaService,
    model: str,
    expectation: Expectation,
    run: Gradable,
    *,
    cancel: CancelToken | None = None,
    conversation: Sequence[Gradable] | None = None,
) -> GradeResult:
    """Compare the run's text (or that of the turn of `conversation` its target names)
    with the reference by the cosine similarity of their embeddings from `model`; passes
    at the expectation's threshold or more.

    Like `judge`, Ollama's failures are an `error` grade and StreamCancelled is raised."""
    if expectation.kind is not Kind.SIMILAR:
        raise ValueError(f"{expectation.kind} is not a similar expectation")
    threshold = expectation.threshold
    try:
        text, reference = text_of(expectation, run, conversation), expectation.value
    except NoSuchTurn as exc:
        return GradeResult(GradeStatus.ERROR, str(exc), said=exc.said)
    record: dict[str, Any] = {
        "kind": "similar",
        "host": service.host,
        "model": model,
        "threshold": threshold,
        "texts": [text, reference],
    }
    if not model:
        return _error(message(messages.J_NO_EMBEDDING_MODEL), record)
    if not text.strip():
        return _decided(expectation, False, message(messages.J_EMPTY_ANSWER), record)
    found = _find(service, model, "embedding", "models.embedding", record)
    if isinstance(found, GradeResult):
        return found
    try:
        first, second = service.embed(model, [text, reference], cancel)
    except (OllamaError, ValueError) as exc:
        detail = _said(exc) if isinstance(exc, JournalError) else str(exc)
        return _error(message(messages.J_SIMILAR_FAILED, model=model, detail=detail), record)
    similarity = cosine(first, second)
    record["dimensions"] = len(first)
    if similarity is None:
        return _error(message(messages.J_VECTORS, model=model), record)
    record["similarity"] = similarity
    met = similarity >= threshold
    template = messages.J_SIMILARITY_MET if met else messages.J_SIMILARITY_NOT_MET
    why = message(template, similarity=similarity, threshold=threshold, model=model)
    return _decided(expectation, met, why, record)


# -- shared ----------------------------------------------------------------------------------


def _find(
    service: OllamaService, model: str, role: str, key: str, record: dict[str, Any]
) -> GradeResult | None:
    """Record the model's digest; an `error` grade when it cannot be found."""
    judge = role == "judge"
    try:
        info = service.find_model(model)
    except OllamaError as exc:
        failed = messages.J_JUDGE_MODEL_FAILED if judge else messages.J_EMBEDDING_MODEL_FAILED
        return _error(message(failed, model=model, detail=_said(exc)), record)
    if info is None:
        missing = messages.J_JUDGE_MODEL_MISSING if judge else messages.J_EMBEDDING_MODEL_MISSING
        return _error(message(missing, model=model, host=service.host, key=key), record)
    record["digest"] = info.digest
    return None


def _said(error: JournalError) -> str | Message:
    """What `error` says, as a template when it came as one."""
    return error.core_message or error.message


def _error(said: Message, record: dict[str, Any]) -> GradeResult:
    reason = said.english()
    record["error"] = reason
    return GradeResult(GradeStatus.ERROR, reason, None, record, said)


def _decided(
    expectation: Expectation, met: bool, why: Message, record: dict[str, Any]
) -> GradeResult:
    passed = met != expectation.negated
    status = GradeStatus.PASS if passed else GradeStatus.FAIL
    return GradeResult(status, why.english(), 1.0 if passed else 0.0, record, why)
