"""Messages the core hands to a person as a template and its parameters, not as finished text.

The CLI prints the English text (`str(error)`); the window translates the template (Qt
context "core") and fills in the same parameters, so one rule keeps one wording in every
language. Each template is defined here once and listed in TEMPLATES: the window's
translation tooling cannot read Qt-free code, so scripts/i18n.py generates
journal/gui/core_messages.py from that list (a test keeps the two in step).

Parameters are data (hosts, model names, what Ollama said): they are never translated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# -- Ollama ------------------------------------------------------------------------------------

_START_HINT = (
    "Is it running? Start it with `ollama serve`, or point the journal elsewhere with "
    "--host, OLLAMA_HOST or `journal config set ollama.hosts URL`."
)
OLLAMA_UNREACHABLE = "Cannot reach Ollama at {host}. " + _START_HINT
OLLAMA_UNREACHABLE_DETAIL = "Cannot reach Ollama at {host} ({detail}). " + _START_HINT
MODEL_NOT_FOUND = "Model '{model}' is not available on {host}. Pull it with `ollama pull {model}`."
_TIMEOUT_HINT = "The model may still be loading; try again, or raise the timeout."
TIMEOUT_CONNECT = (
    "Ollama at {host} did not answer within {seconds:g} s (connect timeout). " + _TIMEOUT_HINT
)
TIMEOUT_READ = (
    "Ollama at {host} did not answer within {seconds:g} s (read timeout). " + _TIMEOUT_HINT
)
TIMEOUT_WRITE = (
    "Ollama at {host} did not answer within {seconds:g} s (write timeout). " + _TIMEOUT_HINT
)
RESPONSE_MID_STREAM = "Ollama reported an error (mid-stream): {detail}"
RESPONSE_HTTP = "Ollama reported an error (HTTP {status}): {detail}"
INCOMPLETE_ANSWER = (
    "The stream from Ollama at {host} ended before Ollama said it was done: the answer may "
    "be incomplete. What arrived is kept."
)
INCOMPLETE_PULL = (
    "The stream from Ollama at {host} ended before Ollama said it was done: the pull may "
    "be incomplete. What arrived is kept."
)
REGISTRY_UNREACHABLE = (
    "The Ollama server at {host} could not reach its model registry to pull '{model}' (no "
    "internet there?). Without internet, make the model from a GGUF file instead: a "
    "Modelfile with the line `FROM ./model.gguf`, then `ollama create {model} -f Modelfile`. "
    "Ollama said: {detail}"
)
CLOSED_MID_ANSWER = (
    "Ollama at {host} closed the connection mid-answer ({detail}). "
    "The server may have crashed or restarted."
)
MALFORMED_LINE = (
    "A line of the answer from {host} could not be read: it is {reason}. "
    "The text received until then is kept."
)
UNREADABLE_ANSWER = (
    "Ollama at {host} sent something the journal cannot read ({detail}). "
    "The text received until then is kept."
)
NOT_JSON = "Ollama at {host} answered with something that is not JSON ({detail})."
NOT_AN_ADDRESS = "'{host}' is not a usable Ollama address: {detail}."
EMBEDDING_COUNT = (
    "Ollama at {host} answered {vectors} embeddings for {texts} texts: the model may not "
    "make embeddings."
)

# -- input rows --------------------------------------------------------------------------------

# Here, not in templates.py, so errors.py can import this module without an import cycle.

NAME_RULE = "a name starts with a letter or _ and holds only letters, digits and _"
ROW_NAME_IS_EXPECTATIONS = "{name!r} cannot be a variable: it names the row's expectations column."
ROW_BAD_NAME = "{name!r} cannot be a variable name: " + NAME_RULE + "."
ROW_SCHEMA_FILE = "Expectation {line!r}: a row's json-schema is written out, not read from a file."
ROW_NO_VALUES = "A row gives at least one variable's value, as NAME=VALUE."
ROW_VALUE_NOT_TEXT = "The value of {name} must be text."
PASTE_NOTHING = "There is nothing to paste: copy some cells first."
PASTE_ONLY_HEADER = "Only a header line was pasted: copy the rows under it."
PASTE_NEED_HEADER = "Paste a header line first (the variable names), or add a row."
PASTE_BAD_LINE = "Line {line} of the pasted text: {reason}."

# -- expectations (a reason, said inside EXPECTATION_REFUSED) --------------------------------

EXPECTATION_REFUSED = "Expectation {line!r}: {reason}"
EXPECT_ONE_LINE = "it must be one line."
EXPECT_STARTS_WITH_KIND = "it starts with a kind, like {example}."
EXPECT_COMPARES_A_NUMBER = "{kind} compares a number: {example}."
EXPECT_OPEN_PARENTHESIS = "the ( after the kind is never closed."
EXPECT_COLON = "a : goes after the kind: {example}."
EXPECT_IS_JSON_ALONE = "is-json takes no value: write is-json alone."
EXPECT_NO_SUCH_KIND_CLOSE = "there is no kind {word}: did you mean {close}?"
EXPECT_NO_SUCH_KIND = "there is no kind {word}: the kinds are {kinds}."
EXPECT_WEIGHT_NOT_NUMBER = "the weight is a number, not {weight!r}."
EXPECT_WEIGHT_RANGE = "the weight is a number above 0, up to {most:g}."
EXPECT_NAME_ONE_LINE = "a name is one line."
EXPECT_ABOUT_THE_RUN = "{kind} is about the run, not {target}: leave the target answer."
EXPECT_NO_ARGUMENT = "{kind} takes no (...): {example}."
EXPECT_NEEDS_VALUE = "{kind} needs a value: {example}."
EXPECT_ONE_LINE_NEWLINE = "a {kind} is one line: write a newline as \\n."
EXPECT_COMPARES_WITH = "{kind} compares with {operators} and a number: {example}."
EXPECT_NO_UNIT = "{kind} counts without a unit: {example}."
EXPECT_WHOLE_NUMBERS = "{kind} counts whole numbers: {example}."
EXPECT_SIMILARITY = "similar(ARG) is a similarity from 0 to 1, not {arg!r}."
EXPECT_SIMILARITY_RANGE = "similar(ARG) is a similarity above 0, up to 1, not {arg!r}."

# -- files -------------------------------------------------------------------------------------

# {reason}, {detail}: what the system or SQLite said, as it came.
JOURNAL_BUSY = (
    "The journal {path} is busy: another program is writing to it. Try again in a moment."
)
JOURNAL_DISK_FULL = (
    "The journal {path} cannot grow: the disk holding it is full (or a quota or size limit "
    "was reached). Free some space."
)
JOURNAL_IO = "The journal {path} could not be read or written ({detail}). Check the disk it is on."
CANNOT_WRITE_FILE = "Cannot write {path}: {reason}."
SETTINGS_CANNOT_READ = "Cannot read the settings file {path}: {reason}."
SETTINGS_CANNOT_SAVE = "Cannot save the settings file {path}: {reason}. Nothing was changed."

# -- opening a journal (storage.py): what the window shows at start ----------------------

JOURNAL_READ_ONLY = "The journal {path} cannot be written: {reason}."
READ_ONLY_FOLDER = "its folder {folder} is read-only"
READ_ONLY_FILE = "the file is read-only"
READ_ONLY_MOVED = "the file was moved or deleted while it was open"
READ_ONLY_REFUSED = "SQLite refused ({detail})"
JOURNAL_CANNOT_OPEN = (
    "The journal {path} cannot be opened ({detail}): check that it exists and that you may read it."
)
CANNOT_READ_FILE = "Cannot read {path}: {reason}."
CANNOT_MAKE_FOLDER = "Cannot create the folder for {path}: {reason}."
JOURNAL_IS_FOLDER = "{path} is a folder, not a journal file."
NOT_SQLITE = (
    "{path} is not an LLM Journal file (it is not an SQLite database). It was left unchanged."
)
FOREIGN_SQLITE = "{path} is an SQLite database but not an LLM Journal file. It was left unchanged."
NEWER_JOURNAL = (
    "{path} was written by a newer LLM Journal (schema {version}; this version knows up to "
    "{latest}). Update LLM Journal to open it."
)
JOURNAL_DAMAGED = "The journal {path} is damaged ({detail})."
JOURNAL_DAMAGED_UNCHANGED = "The journal {path} is damaged ({detail}); it was left unchanged."
RECOVER_HINT = (
    "Recover what it still holds into a new file with `journal recover {quoted} -o "
    "recovered.sqlite`, then open that."
)
RECOVER_OR_BACKUP_HINT = (
    "Recover what it still holds into a new file with `journal recover {quoted} -o "
    "recovered.sqlite`, then open that, or go back to {backup} (the copy kept before its "
    "last upgrade)."
)
BACKUP_FAILED = "Could not back up {path} before upgrading it ({detail}); it was left unchanged."
TWO_LINES = "{first}\n{second}"

# -- settings (settings.py): a line of the Settings dialog, the settings file at start -------

SETTINGS_LINE = "Line {line}: {reason}"
SETTINGS_HOST_LISTED = "{host} is listed already."
SETTINGS_OPTION_NOT_TOML = "Option {key} is null, which a TOML file cannot hold."
SETTINGS_HOST_TWICE = "{key} lists {host} twice."
SETTINGS_HOSTS_LIST = "{key} is a list of addresses, like {example}."
SETTINGS_OPTIONS_TABLE = "{key} is a table of options, like {{ temperature = 0.2 }}."
SETTINGS_OWN_SETTING = "{key} is a setting of its own (defaults.{key}), not an option."
SETTINGS_MODEL_NAME = "{key} is a model name, like llama3:8b, not {value}."
SETTINGS_MUST_BE_TABLE = "{key} must be a table, like [{key}]."
SETTINGS_NOT_TOML = (
    "The settings file {where} is not valid TOML: {reason}. Fix it in an editor; it is left "
    "as it is."
)
SETTINGS_NOT_UTF8 = "it is not UTF-8 text"
SETTINGS_REFUSED = "The settings file {where}: {reason} Fix it in an editor; it is left as it is."
SETTINGS_REFUSED_KEY = (
    "The settings file {where}: {reason} Fix it in an editor or with `journal config unset {key}`."
)

# -- images (images.py): an image the window or the CLI refuses to attach --------------------

# {size}, {most}: a messages.ByteSize, written "12.3 kB" (the window writes it its own way).
IMAGE_EMPTY = "{name} is empty: give a PNG, JPEG or WebP image."
IMAGE_UNKNOWN = "{name} is not a PNG, JPEG or WebP image (judged by its content, not its name)."
IMAGE_DAMAGED = "{name} starts like a {kind} image but its header is damaged."
IMAGE_MISSING = "{name} does not exist."
IMAGE_IS_FOLDER = "{name} is a folder, not an image."
IMAGE_UNREADABLE = "{name} cannot be read: {reason}."
IMAGE_TOO_BIG = "{name} is {size}: images up to {most} can be sent."

# -- what a run's grades add up to (grading.py), said by the core ----------------------------

GRADES_NONE = "no expectations to grade it by"
GRADES_LIVE = "still running: graded when it ends"
GRADES_RUN_CANCELLED = "the run cancelled: not graded"
GRADES_RUN_FAILED = "the run failed: not graded"
GRADES_RUN_INTERRUPTED = "the run interrupted: not graded"
GRADES_NOT_YET = "not graded yet"
GRADE_UNSURE_BECAUSE = "unsure: {reason}"
GRADE_ERROR_BECAUSE = "error: {reason}"

# -- a grade's reason (grading.py): stored in English, said by the window when fresh -----

# {value}, {text}, {wanted}, {pattern}, {match}, {start}: quoted as data ('Paris').
G_CONTAINS = "contains {value}"
G_MISSING = "missing {value}"
G_CONTAINS_ANY_CASE = "contains {value} (ignoring case)"
G_MISSING_ANY_CASE = "missing {value} (ignoring case)"
G_IS = "is {value}"
G_IS_NOT = "is {text}, not {wanted}"
G_STARTS = "starts with {value}"
G_STARTS_NOT = "starts with {text}, not {wanted}"
G_REGEX_TIMEOUT = (
    "regex {pattern} ran out of time ({seconds:g} s) on this answer and was stopped: "
    "simplify the pattern"
)
G_REGEX_INVALID = "regex {pattern} is not valid: {detail}"
G_NO_MATCH = "no match for /{pattern}/"
G_MATCHES = "matches /{pattern}/ at {match}"
G_NOT_JSON_DEEP = "not JSON (nested too deeply to read)"
G_NOT_JSON_AT = "not JSON ({detail} at character {position}; starts {start})"
G_NOT_JSON_EMPTY_AT = "not JSON ({detail} at character {position}; starts nothing)"
G_NOT_JSON = "not JSON ({detail})"
G_IS_JSON = "is JSON ({type})"
G_SCHEMA_UNREAD = "json-schema {value} was never read: save it again"
G_SCHEMA_NOT_JSON = "the schema is not JSON ({detail})"
G_SCHEMA_REF = "the schema's $ref {ref} cannot be resolved: remote references are never fetched"
G_SCHEMA_TIMEOUT = "a pattern in the schema ran out of time ({seconds:g} s) on this answer"
G_SCHEMA_DEEP = "the schema or the answer is nested too deeply to check"
G_SCHEMA_MATCHES = "matches the schema"
G_SCHEMA_TYPE = "{where}: expected {wanted}, got {type}"
G_SCHEMA_SAID = "{where}: {detail}"
G_COMPARED = "{shown}, expected {wanted}"
G_COMPARED_NOT = "{shown}, expected not {wanted}"
G_ONE_WORD = "1 word"
G_WORDS = "{count:,} words"
G_ONE_CHARACTER = "1 character"
G_CHARACTERS = "{count:,} characters"
G_ONE_LINE = "1 line"
G_LINES = "{count:,} lines"
G_SPEED = "{speed:.1f} tokens per second"
G_NO_TOKENS = "Ollama reported no token count or duration for this run"
G_NO_FIRST_TOKEN = "no first token was recorded for this run"
G_FIRST_TOKEN_MS = "first token after {ms:.0f} ms"
G_FIRST_TOKEN_S = "first token after {seconds:.2f} s"
G_DONE_BECAUSE = "done because {reason}"
G_DONE_BECAUSE_NOT = "done because {actual}, not {wanted}"
G_DONE_NOTHING_NOT = "done because 'nothing', not {wanted}"
G_NO_TURN_ONE = "no turn {turn}: this conversation has 1 turn"
G_NO_TURN = "no turn {turn}: this conversation has {count:,} turns"

# -- model options (options.py, option_schema.py): -o, the Settings and the prompt panel -------

# {value}: the value as written, quoted when it is text ('abc', 0.5, [1, 2]).
OPTION_UNKNOWN_CLOSE = "Unknown option {key}: did you mean {close}?"
OPTION_UNKNOWN = "Unknown option {key}: Ollama does not know it and would silently ignore it."
OPTION_HINTED = "{refusal} {hint}"
OPTION_NAME_NOT_TEXT = "An option name must be text, not {key!r}."
OPTION_REQUEST_FIELD = "{key} is a request field, not a model option."
OPTION_RECORDED_NOT_OBJECT = "Recorded options must be a JSON object."
OPTION_BAD_NAME = "'{key}' is not an option name (letters, digits and _)."
OPTION_TOO_LONG = "Option {key} is longer than {most} characters."
OPTION_NEEDS_BOOL = "Option {key} needs true or false, not {value}."
OPTION_NEEDS_NUMBER = "Option {key} needs a number, not {value}."
OPTION_NEEDS_FINITE = "Option {key} needs a finite number, not {value}."
OPTION_NEEDS_WHOLE = "Option {key} needs a whole number, not {value}."
OPTION_NEEDS_TEXTS = "Option {key} needs a list of texts, not {value}."
OPTION_EMPTY_STOP = "Option {key} holds an empty text, which would end every answer at once."
OPTION_INT64 = "Option {key} must fit a 64-bit integer ({low} to {high}), not {value}."
OPTION_FLOAT32 = "Option {key} is beyond what Ollama can hold (a 32-bit float), not {value}."
OPTION_RANGE = "Option {key} must be {range}, not {value}."
OPTION_NESTED = "Option {key} is nested too deeply."
# {detail}: what Python's JSON reader said, as it came.
OPTION_JSON = "Option {key}: {detail} in '{text}'."
OPTION_JSON_CONSTANT = "Option {key}: {detail} is not allowed in '{text}'."
OPTION_ASSIGNMENT = "Options are KEY=VALUE, like temperature=0.2; got '{pair}'."
RANGE_BETWEEN = "between {low} and {high}"
RANGE_AT_LEAST = "at least {low}"
RANGE_AT_MOST = "at most {high}"
RANGE_SPECIAL = "{range} ({special})"
RANGE_SPECIAL_TWO = "{range} ({first}, {second})"
RANGE_VALUE_MEANS = "{value}: {meaning}"
MEANS_KEEP_PROMPT = "keep the whole prompt"
MEANS_NO_LIMIT = "no limit"
MEANS_CONTEXT_FULL = "until the context is full"
MEANS_WHOLE_CONTEXT = "the whole context"
MEANS_OLLAMA_DECIDES = "let Ollama decide"
THINK_VALUES = "think takes true, false, low, medium or high, not {value}."
_KEEP_ALIVE_HELP = (
    "keep_alive takes a duration like 5m, 1h30m or 300ms, or seconds like 90 "
    "(0 unloads at once, -1 keeps the model loaded)"
)
KEEP_ALIVE_VALUES = _KEEP_ALIVE_HELP + ", not {value}."
KEEP_ALIVE_VALUES_WHY = _KEEP_ALIVE_HELP + ", not {value} ({why})."
KEEP_ALIVE_TOO_MANY = (
    "keep_alive {value} is more seconds than Ollama can count "
    "(at most {most}; -1 keeps the model loaded)."
)
DURATION_NEEDS_UNIT = "a number in a duration needs a unit: ns, us, ms, s, m or h"
DURATION_UNKNOWN_UNIT = "unknown unit '{unit}'"
DURATION_TOO_LONG = "longer than Ollama can count, about 292 years"

# -- Ollama addresses (paths.py, host_limits.py): --host, OLLAMA_HOST, the Settings ----------

# {where}: how the address came (--host 'x', OLLAMA_HOST='x', 'x'), as written.
HOST_REFUSED = "{where} is not a usable Ollama address: {reason}."
HOST_REFUSED_FIX = "{where} is not a usable Ollama address: {reason}. Fix or unset {variable}."
HOST_EMPTY = "it is empty; leave it out for {default}"
HOST_SCHEME = "only http:// and https:// work, as in {default}"
HOST_QUERY = "an Ollama address has no ?query or #fragment"
HOST_IPV6_OPEN = "the IPv6 address has no closing ']', as in http://[::1]:11434"
HOST_NOT_IPV6 = "{host} is not an IPv6 address"
HOST_AFTER_IPV6 = "'{after}' after the IPv6 address is not a :port"
HOST_IPV6_BRACKETS = "write an IPv6 address in brackets, as in http://[::1]:11434"
HOST_NO_HOST = "it names no host, as in {default}"
HOST_BAD_NAME = "'{host}' is not a host name"
HOST_PORT = "the port must be a number from 1 to 65535, not '{port}'"
HOST_LIMIT = "limit={limit} is not a number of requests from 1 to {most} ({text!r})."
HOST_LIMIT_FROM = "{source}: limit={limit} is not a number of requests from 1 to {most} ({text!r})."

# -- a check's or batch's item (check_triage.py): why it is in its group -------------------

TRIAGE_NOT_REPLAYED = "not replayed yet"
TRIAGE_REPLAYING = "replaying now"
TRIAGE_VERDICT_WORKED = "your verdict: worked"
TRIAGE_VERDICT_PARTLY = "your verdict: partly"
TRIAGE_VERDICT_FAILED = "your verdict: failed"
TRIAGE_REPLAY_FAILED = "the replay failed: not graded"
TRIAGE_REPLAY_CANCELLED = "the replay was cancelled: not graded"
TRIAGE_REPLAY_INTERRUPTED = "the replay was interrupted: not graded"

# -- judge and similarity grades (judging.py): stored in English, said by the window when fresh

# {why}: the judge's own words, as it wrote them (or one of the J_REPLY_* below).
J_SAID = "judge {model}: {why}"
J_REPLY_NOT_JSON = "the reply is not the JSON asked for ({detail})"
J_REPLY_CUT = "the reply is not the JSON asked for (cut short)"
J_REPLY_NOT_OBJECT = "the reply is not the JSON object asked for"
J_REPLY_LACKS = "the reply lacks a pass flag or a reason"
J_REPLY_NO_REASON = "(no reason given)"
J_REPLY_BAD_SCORE = "score {score!r} is not a number from 0 to 1; {why}"
J_REPLY_UNSURE_PASS = "unsure (pass, score {score:.2f}): {why}"
J_REPLY_UNSURE_FAIL = "unsure (fail, score {score:.2f}): {why}"
J_NO_JUDGE_MODEL = (
    "judge: no judge model is set; choose one in Settings or with "
    "`journal config set models.judge NAME` (or --judge NAME)"
)
J_NO_EMBEDDING_MODEL = (
    "similar: no embedding model is set; choose one in Settings or with "
    "`journal config set models.embedding NAME` (or --embed-model NAME)"
)
# {detail}: what went wrong with Ollama, itself a message.
J_JUDGE_FAILED = "judge {model}: {detail}"
J_SIMILAR_FAILED = "similar {model}: {detail}"
J_JUDGE_MODEL_FAILED = "judge model {model}: {detail}"
J_EMBEDDING_MODEL_FAILED = "embedding model {model}: {detail}"
J_JUDGE_MODEL_MISSING = (
    "judge model '{model}' is not on {host}: pull it with `ollama pull {model}`, or choose "
    "another with `journal config set {key} NAME`"
)
J_EMBEDDING_MODEL_MISSING = (
    "embedding model '{model}' is not on {host}: pull it with `ollama pull {model}`, or "
    "choose another with `journal config set {key} NAME`"
)
J_EMPTY_ANSWER = "the answer is empty: nothing to compare"
J_VECTORS = "similar {model}: the model gave vectors that cannot be compared"
J_SIMILARITY_MET = "similarity {similarity:.2f} >= {threshold:g} ({model})"
J_SIMILARITY_NOT_MET = "similarity {similarity:.2f} < {threshold:g} ({model})"

# -- migration checks ---------------------------------------------------------------------------

# {selection}: the filter as the CLI writes it (verdict=worked model=llama3:8b).
NO_RUNS_MATCH = "No runs match ({selection}): nothing to check."
NO_RUNS_AT_ALL = "No runs match (all experiments): nothing to check."

# -- trash -------------------------------------------------------------------------------------

KEPT_CHECKED_RUN = "Kept run {run} in the trash: migration check {checks} compares it."
KEPT_CHECKED_EXPERIMENT = (
    "Kept experiment {experiment} in the trash: a migration check compares its runs."
)

# -- an answer against the format it asked for (output_format.FormatCheck) -------------------

FORMAT_NOT_JSON = "not JSON: {reason}"
FORMAT_MATCHES = "valid JSON, matches the schema"
FORMAT_NO_MATCH = "does not match the schema: {reason}"
FORMAT_VALID = "valid JSON"
FORMAT_VALID_BUT = "valid JSON; {reason}"
FORMAT_EMPTY = "the answer is empty"
FORMAT_TOO_DEEP = "nested too deeply to read"
FORMAT_BROKE_AT = "{detail} at line {line}, column {column}"
FORMAT_SCHEMA_REF = "the schema has a $ref that cannot be resolved (never fetched)"
FORMAT_SCHEMA_TIMEOUT = "a pattern in the schema ran out of time ({seconds:g} s)"
FORMAT_SCHEMA_UNCHECKED = "the schema could not be checked on this answer"

TEMPLATES: tuple[str, ...] = (
    OLLAMA_UNREACHABLE,
    OLLAMA_UNREACHABLE_DETAIL,
    MODEL_NOT_FOUND,
    TIMEOUT_CONNECT,
    TIMEOUT_READ,
    TIMEOUT_WRITE,
    RESPONSE_MID_STREAM,
    RESPONSE_HTTP,
    INCOMPLETE_ANSWER,
    INCOMPLETE_PULL,
    REGISTRY_UNREACHABLE,
    CLOSED_MID_ANSWER,
    MALFORMED_LINE,
    UNREADABLE_ANSWER,
    NOT_JSON,
    NOT_AN_ADDRESS,
    EMBEDDING_COUNT,
    ROW_NAME_IS_EXPECTATIONS,
    ROW_BAD_NAME,
    ROW_SCHEMA_FILE,
    ROW_NO_VALUES,
    ROW_VALUE_NOT_TEXT,
    PASTE_NOTHING,
    PASTE_ONLY_HEADER,
    PASTE_NEED_HEADER,
    PASTE_BAD_LINE,
    EXPECTATION_REFUSED,
    EXPECT_ONE_LINE,
    EXPECT_STARTS_WITH_KIND,
    EXPECT_COMPARES_A_NUMBER,
    EXPECT_OPEN_PARENTHESIS,
    EXPECT_COLON,
    EXPECT_IS_JSON_ALONE,
    EXPECT_NO_SUCH_KIND_CLOSE,
    EXPECT_NO_SUCH_KIND,
    EXPECT_WEIGHT_NOT_NUMBER,
    EXPECT_WEIGHT_RANGE,
    EXPECT_NAME_ONE_LINE,
    EXPECT_ABOUT_THE_RUN,
    EXPECT_NO_ARGUMENT,
    EXPECT_NEEDS_VALUE,
    EXPECT_ONE_LINE_NEWLINE,
    EXPECT_COMPARES_WITH,
    EXPECT_NO_UNIT,
    EXPECT_WHOLE_NUMBERS,
    EXPECT_SIMILARITY,
    EXPECT_SIMILARITY_RANGE,
    JOURNAL_BUSY,
    JOURNAL_DISK_FULL,
    JOURNAL_IO,
    CANNOT_WRITE_FILE,
    SETTINGS_CANNOT_READ,
    SETTINGS_CANNOT_SAVE,
    JOURNAL_READ_ONLY,
    READ_ONLY_FOLDER,
    READ_ONLY_FILE,
    READ_ONLY_MOVED,
    READ_ONLY_REFUSED,
    JOURNAL_CANNOT_OPEN,
    CANNOT_READ_FILE,
    CANNOT_MAKE_FOLDER,
    JOURNAL_IS_FOLDER,
    NOT_SQLITE,
    FOREIGN_SQLITE,
    NEWER_JOURNAL,
    JOURNAL_DAMAGED,
    JOURNAL_DAMAGED_UNCHANGED,
    RECOVER_HINT,
    RECOVER_OR_BACKUP_HINT,
    BACKUP_FAILED,
    TWO_LINES,
    SETTINGS_LINE,
    SETTINGS_HOST_LISTED,
    SETTINGS_OPTION_NOT_TOML,
    SETTINGS_HOST_TWICE,
    SETTINGS_HOSTS_LIST,
    SETTINGS_OPTIONS_TABLE,
    SETTINGS_OWN_SETTING,
    SETTINGS_MODEL_NAME,
    SETTINGS_MUST_BE_TABLE,
    SETTINGS_NOT_TOML,
    SETTINGS_NOT_UTF8,
    SETTINGS_REFUSED,
    SETTINGS_REFUSED_KEY,
    IMAGE_EMPTY,
    IMAGE_UNKNOWN,
    IMAGE_DAMAGED,
    IMAGE_MISSING,
    IMAGE_IS_FOLDER,
    IMAGE_UNREADABLE,
    IMAGE_TOO_BIG,
    GRADES_NONE,
    GRADES_LIVE,
    GRADES_RUN_CANCELLED,
    GRADES_RUN_FAILED,
    GRADES_RUN_INTERRUPTED,
    GRADES_NOT_YET,
    GRADE_UNSURE_BECAUSE,
    GRADE_ERROR_BECAUSE,
    G_CONTAINS,
    G_MISSING,
    G_CONTAINS_ANY_CASE,
    G_MISSING_ANY_CASE,
    G_IS,
    G_IS_NOT,
    G_STARTS,
    G_STARTS_NOT,
    G_REGEX_TIMEOUT,
    G_REGEX_INVALID,
    G_NO_MATCH,
    G_MATCHES,
    G_NOT_JSON_DEEP,
    G_NOT_JSON_AT,
    G_NOT_JSON_EMPTY_AT,
    G_NOT_JSON,
    G_IS_JSON,
    G_SCHEMA_UNREAD,
    G_SCHEMA_NOT_JSON,
    G_SCHEMA_REF,
    G_SCHEMA_TIMEOUT,
    G_SCHEMA_DEEP,
    G_SCHEMA_MATCHES,
    G_SCHEMA_TYPE,
    G_SCHEMA_SAID,
    G_COMPARED,
    G_COMPARED_NOT,
    G_ONE_WORD,
    G_WORDS,
    G_ONE_CHARACTER,
    G_CHARACTERS,
    G_ONE_LINE,
    G_LINES,
    G_SPEED,
    G_NO_TOKENS,
    G_NO_FIRST_TOKEN,
    G_FIRST_TOKEN_MS,
    G_FIRST_TOKEN_S,
    G_DONE_BECAUSE,
    G_DONE_BECAUSE_NOT,
    G_DONE_NOTHING_NOT,
    G_NO_TURN_ONE,
    G_NO_TURN,
    OPTION_UNKNOWN_CLOSE,
    OPTION_UNKNOWN,
    OPTION_HINTED,
    OPTION_NAME_NOT_TEXT,
    OPTION_REQUEST_FIELD,
    OPTION_RECORDED_NOT_OBJECT,
    OPTION_BAD_NAME,
    OPTION_TOO_LONG,
    OPTION_NEEDS_BOOL,
    OPTION_NEEDS_NUMBER,
    OPTION_NEEDS_FINITE,
    OPTION_NEEDS_WHOLE,
    OPTION_NEEDS_TEXTS,
    OPTION_EMPTY_STOP,
    OPTION_INT64,
    OPTION_FLOAT32,
    OPTION_RANGE,
    OPTION_NESTED,
    OPTION_JSON,
    OPTION_JSON_CONSTANT,
    OPTION_ASSIGNMENT,
    RANGE_BETWEEN,
    RANGE_AT_LEAST,
    RANGE_AT_MOST,
    RANGE_SPECIAL,
    RANGE_SPECIAL_TWO,
    RANGE_VALUE_MEANS,
    MEANS_KEEP_PROMPT,
    MEANS_NO_LIMIT,
    MEANS_CONTEXT_FULL,
    MEANS_WHOLE_CONTEXT,
    MEANS_OLLAMA_DECIDES,
    THINK_VALUES,
    KEEP_ALIVE_VALUES,
    KEEP_ALIVE_VALUES_WHY,
    KEEP_ALIVE_TOO_MANY,
    DURATION_NEEDS_UNIT,
    DURATION_UNKNOWN_UNIT,
    DURATION_TOO_LONG,
    HOST_REFUSED,
    HOST_REFUSED_FIX,
    HOST_EMPTY,
    HOST_SCHEME,
    HOST_QUERY,
    HOST_IPV6_OPEN,
    HOST_NOT_IPV6,
    HOST_AFTER_IPV6,
    HOST_IPV6_BRACKETS,
    HOST_NO_HOST,
    HOST_BAD_NAME,
    HOST_PORT,
    HOST_LIMIT,
    HOST_LIMIT_FROM,
    TRIAGE_NOT_REPLAYED,
    TRIAGE_REPLAYING,
    TRIAGE_VERDICT_WORKED,
    TRIAGE_VERDICT_PARTLY,
    TRIAGE_VERDICT_FAILED,
    TRIAGE_REPLAY_FAILED,
    TRIAGE_REPLAY_CANCELLED,
    TRIAGE_REPLAY_INTERRUPTED,
    J_SAID,
    J_REPLY_NOT_JSON,
    J_REPLY_CUT,
    J_REPLY_NOT_OBJECT,
    J_REPLY_LACKS,
    J_REPLY_NO_REASON,
    J_REPLY_BAD_SCORE,
    J_REPLY_UNSURE_PASS,
    J_REPLY_UNSURE_FAIL,
    J_NO_JUDGE_MODEL,
    J_NO_EMBEDDING_MODEL,
    J_JUDGE_FAILED,
    J_SIMILAR_FAILED,
    J_JUDGE_MODEL_FAILED,
    J_EMBEDDING_MODEL_FAILED,
    J_JUDGE_MODEL_MISSING,
    J_EMBEDDING_MODEL_MISSING,
    J_EMPTY_ANSWER,
    J_VECTORS,
    J_SIMILARITY_MET,
    J_SIMILARITY_NOT_MET,
    NO_RUNS_MATCH,
    NO_RUNS_AT_ALL,
    KEPT_CHECKED_RUN,
    KEPT_CHECKED_EXPERIMENT,
    FORMAT_NOT_JSON,
    FORMAT_MATCHES,
    FORMAT_NO_MATCH,
    FORMAT_VALID,
    FORMAT_VALID_BUT,
    FORMAT_EMPTY,
    FORMAT_TOO_DEEP,
    FORMAT_BROKE_AT,
    FORMAT_SCHEMA_REF,
    FORMAT_SCHEMA_TIMEOUT,
    FORMAT_SCHEMA_UNCHECKED,
)


class ByteSize(int):
    """A size in bytes among a message's parameters: the English text writes it "12.3 kB";
    the window writes it as its locale does ("12,3 ko")."""

    def __format__(self, spec: str) -> str:
        size = int(self)
        if size < 1000:
            text = f"{size} B"
        elif size < 1000 * 1000:
            text = f"{size / 1000:.1f} kB"
        else:
            text = f"{size / 1000 / 1000:.1f} MB"
        return format(text, spec)

    def __str__(self) -> str:
        return format(self)


@dataclass(frozen=True)
class Message:
    """A registered template and the values for its {placeholders}. A value may be a
    Message itself (a reason inside "Expectation 'x': {reason}"): it is said, and
    translated, on its own."""

    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # An unlisted template would reach the window untranslated: a bug, caught at once.
        if self.template not in TEMPLATES:
            raise ValueError(f"not a registered message template: {self.template!r}")

    def english(self) -> str:
        return self.template.format(**self.filled(Message.english))

    def filled(self, say: Callable[[Message], str]) -> dict[str, object]:
        """The parameters, each Message among them said by `say`."""
        return {
            name: say(value) if isinstance(value, Message) else value
            for name, value in self.params.items()
        }


def message(template: str, **params: object) -> Message:
    return Message(template, params)
