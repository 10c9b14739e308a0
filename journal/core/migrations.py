"""Numbered, forward-only schema migrations.

`PRAGMA user_version` records how many have been applied; each runs in its own immediate
transaction together with the version bump, so a crash leaves the file at a whole version.
A journal is recognised by `PRAGMA application_id`, set by the first migration.
"""

from __future__ import annotations

import sqlite3

APPLICATION_ID = 0x4C4A524E  # "LJRN"

# Each migration is one SQL script, run statement by statement inside one transaction.

_M001_BASE = f"""
        -- Experiments, runs, and a tag table kept in step with experiment.tags by triggers.
        PRAGMA application_id = {APPLICATION_ID};

        CREATE TABLE experiment (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid        TEXT NOT NULL UNIQUE,
            title       TEXT NOT NULL DEFAULT '',
            hypothesis  TEXT NOT NULL DEFAULT '',
            expected    TEXT NOT NULL DEFAULT '',
            conclusion  TEXT NOT NULL DEFAULT '',
            tags        JSON NOT NULL DEFAULT '[]',
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        );

        CREATE TABLE run (
            id                   INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid                 TEXT NOT NULL UNIQUE,
            experiment_id        INTEGER NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
            replay_of_id         INTEGER REFERENCES run(id) ON DELETE SET NULL,
            model                TEXT NOT NULL,
            model_digest         TEXT NOT NULL DEFAULT '',
            model_family         TEXT NOT NULL DEFAULT '',
            model_parameter_size TEXT NOT NULL DEFAULT '',
            model_quantization   TEXT NOT NULL DEFAULT '',
            model_details        JSON NOT NULL DEFAULT '{{}}',
            ollama_version       TEXT NOT NULL DEFAULT '',
            system_prompt        TEXT NOT NULL DEFAULT '',
            messages             JSON NOT NULL DEFAULT '[]',
            options              JSON NOT NULL DEFAULT '{{}}',
            keep_alive           TEXT,
            think                JSON,
            response             TEXT NOT NULL DEFAULT '',
            thinking             TEXT NOT NULL DEFAULT '',
            status               TEXT NOT NULL DEFAULT 'pending',
            error                TEXT NOT NULL DEFAULT '',
            done_reason          TEXT NOT NULL DEFAULT '',
            prompt_eval_count    INTEGER,
            eval_count           INTEGER,
            total_duration       INTEGER,
            load_duration        INTEGER,
            prompt_eval_duration INTEGER,
            eval_duration        INTEGER,
            final_chunk          JSON NOT NULL DEFAULT '{{}}',
            first_token_seconds  REAL,
            wall_seconds         REAL,
            verdict              TEXT,
            verdict_note         TEXT NOT NULL DEFAULT '',
            owner                TEXT NOT NULL DEFAULT '',
            heartbeat_at         TEXT,
            created_at           TEXT NOT NULL,
            started_at           TEXT,
            finished_at          TEXT
        );
        CREATE INDEX run_experiment ON run(experiment_id, id);
        CREATE INDEX run_model ON run(model);
        CREATE INDEX run_replay_of ON run(replay_of_id);
        CREATE INDEX run_live ON run(status) WHERE status IN ('pending', 'streaming');

        CREATE TABLE tag (
            experiment_id INTEGER NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
            name          TEXT NOT NULL,
            PRIMARY KEY (experiment_id, name)
        ) WITHOUT ROWID;
        CREATE INDEX tag_name ON tag(name, experiment_id);

        CREATE TRIGGER experiment_tags_insert AFTER INSERT ON experiment BEGIN
            INSERT OR IGNORE INTO tag(experiment_id, name)
                SELECT new.id, value FROM json_each(new.tags);
        END;
        CREATE TRIGGER experiment_tags_update AFTER UPDATE OF tags ON experiment BEGIN
            DELETE FROM tag WHERE experiment_id = new.id;
            INSERT OR IGNORE INTO tag(experiment_id, name)
                SELECT new.id, value FROM json_each(new.tags);
        END;
"""


# The search document of an experiment: its own text plus the text of all its runs, so
# that rowid = experiment id and "newest matches first" is a plain rowid scan.
_SEARCH_DOCUMENT = """
    SELECT e.id, e.title, e.hypothesis || char(10) || e.expected,
        coalesce((SELECT group_concat(r.system_prompt || char(10) || coalesce(
            (SELECT group_concat(json_extract(m.value, '$.content'), char(10))
             FROM json_each(r.messages) AS m), ''), char(10))
         FROM run AS r WHERE r.experiment_id = e.id), ''),
        coalesce((SELECT group_concat(r.response || char(10) || r.thinking, char(10))
         FROM run AS r WHERE r.experiment_id = e.id), ''),
        e.conclusion || char(10) || coalesce((SELECT group_concat(r.verdict_note, char(10))
         FROM run AS r WHERE r.experiment_id = e.id), '')
    FROM experiment AS e
"""


def _refresh(id_expr: str) -> str:
    return (
        f"DELETE FROM search WHERE rowid = {id_expr};\n"
        "INSERT INTO search(rowid, title, hypothesis, prompts, responses, notes)"
        + _SEARCH_DOCUMENT
        + f" WHERE e.id = {id_expr};"
    )


_M002_SEARCH = f"""
        -- Full-text index over everything a person writes or a model answers.
        CREATE VIRTUAL TABLE search USING fts5(
            title, hypothesis, prompts, responses, notes,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER search_experiment_insert AFTER INSERT ON experiment BEGIN
            {_refresh("new.id")}
        END;
        CREATE TRIGGER search_experiment_update
            AFTER UPDATE OF title, hypothesis, expected, conclusion ON experiment BEGIN
            {_refresh("new.id")}
        END;
        CREATE TRIGGER search_experiment_delete AFTER DELETE ON experiment BEGIN
            DELETE FROM search WHERE rowid = old.id;
        END;
        CREATE TRIGGER search_run_insert AFTER INSERT ON run BEGIN
            {_refresh("new.experiment_id")}
        END;
        CREATE TRIGGER search_run_update
            AFTER UPDATE OF system_prompt, messages, response, thinking, verdict_note,
                experiment_id ON run BEGIN
            {_refresh("old.experiment_id")}
            {_refresh("new.experiment_id")}
        END;
        CREATE TRIGGER search_run_delete AFTER DELETE ON run BEGIN
            {_refresh("old.experiment_id")}
        END;
        INSERT INTO search(rowid, title, hypothesis, prompts, responses, notes)
            {_SEARCH_DOCUMENT};
"""


# Replays remember what they compared (the digest the replayed run saw, the one found now);
# migration checks keep their selection and progress so a killed check can be resumed.
_M003_REPLAY_AND_CHECKS = """
        ALTER TABLE run ADD COLUMN replay_info JSON;

        CREATE TABLE migration_check (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid          TEXT NOT NULL UNIQUE,
            name          TEXT NOT NULL DEFAULT '',
            source_filter JSON NOT NULL DEFAULT '{}',
            target_model  TEXT NOT NULL,
            target_digest TEXT NOT NULL DEFAULT '',
            status        TEXT NOT NULL DEFAULT 'running',
            owner         TEXT NOT NULL DEFAULT '',
            heartbeat_at  TEXT,
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            finished_at   TEXT
        );

        CREATE TABLE migration_check_item (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            check_id      INTEGER NOT NULL REFERENCES migration_check(id) ON DELETE CASCADE,
            position      INTEGER NOT NULL,
            source_run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            new_run_id    INTEGER REFERENCES run(id) ON DELETE SET NULL
        );
        CREATE UNIQUE INDEX migration_check_item_position
            ON migration_check_item(check_id, position);
        CREATE INDEX migration_check_item_source ON migration_check_item(source_run_id);
        CREATE INDEX migration_check_item_new_run ON migration_check_item(new_run_id);
"""

# The search index, one document per run instead of one per experiment. Schema 2 rebuilt an
# experiment's whole document (all its runs) on every streamed flush, under the write lock:
# 1.5 s at 600 runs. Now an experiment's own text and each run's text are separate documents,
# and a run's answer is indexed once, when the run ends, so a flush never touches the index.
# rowid = experiment id * 2^32 + run id (0 for the experiment's own text): newest experiments
# first is still a plain descending rowid scan, and an experiment's documents are one range.
# Ids stay below 2^31 (domain.MAX_RECORD_ID), so the packing cannot overflow or collide.
_SEARCH_COLUMNS = "INSERT INTO search(rowid, title, hypothesis, prompts, responses, notes)"


def _experiment_document(e: str) -> str:
    """The search document of experiment `e` (a row alias, or `new` in a trigger)."""
    return (
        f"{_SEARCH_COLUMNS} SELECT {e}.id * 4294967296, {e}.title, "
        f"{e}.hypothesis || char(10) || {e}.expected, '', '', {e}.conclusion"
    )


def _run_document(r: str) -> str:
    """The search document of run `r`: its prompts and note, and its answer once it ended."""
    return f"""{_SEARCH_COLUMNS} SELECT {r}.experiment_id * 4294967296 + {r}.id, '', '',
        {r}.system_prompt || char(10) || coalesce(
            (SELECT group_concat(json_extract(m.value, '$.content'), char(10))
             FROM json_each({r}.messages) AS m), ''),
        CASE WHEN {r}.status IN ('pending', 'streaming') THEN ''
             ELSE {r}.response || char(10) || {r}.thinking END,
        {r}.verdict_note"""


_M004_SEARCH_PER_RUN = f"""
        DROP TRIGGER search_experiment_insert;
        DROP TRIGGER search_experiment_update;
        DROP TRIGGER search_experiment_delete;
        DROP TRIGGER search_run_insert;
        DROP TRIGGER search_run_update;
        DROP TRIGGER search_run_delete;
        DROP TABLE search;
        CREATE VIRTUAL TABLE search USING fts5(
            title, hypothesis, prompts, responses, notes,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER search_experiment_insert AFTER INSERT ON experiment BEGIN
            {_experiment_document("new")};
        END;
        CREATE TRIGGER search_experiment_update
            AFTER UPDATE OF title, hypothesis, expected, conclusion ON experiment BEGIN
            DELETE FROM search WHERE rowid = old.id * 4294967296;
            {_experiment_document("new")};
        END;
        CREATE TRIGGER search_experiment_delete AFTER DELETE ON experiment BEGIN
            DELETE FROM search
            WHERE rowid BETWEEN old.id * 4294967296 AND old.id * 4294967296 + 4294967295;
        END;
        CREATE TRIGGER search_run_insert AFTER INSERT ON run BEGIN
            {_run_document("new")};
        END;
        CREATE TRIGGER search_run_update
            AFTER UPDATE OF system_prompt, messages, verdict_note, experiment_id ON run BEGIN
            DELETE FROM search WHERE rowid = old.experiment_id * 4294967296 + old.id;
            {_run_document("new")};
        END;
        -- A streamed flush changes the answer of a live run: nothing to index until it ends.
        CREATE TRIGGER search_run_finished
            AFTER UPDATE OF response, thinking, status ON run
            WHEN new.status NOT IN ('pending', 'streaming') BEGIN
            DELETE FROM search WHERE rowid = old.experiment_id * 4294967296 + old.id;
            {_run_document("new")};
        END;
        CREATE TRIGGER search_run_delete AFTER DELETE ON run BEGIN
            DELETE FROM search WHERE rowid = old.experiment_id * 4294967296 + old.id;
        END;
        {_experiment_document("e")} FROM experiment AS e;
        {_run_document("r")} FROM run AS r;
"""

# The search documents of the experiments and runs with ids above :experiment and :run, as
# the insert triggers above write them, one row at a time. An import adds many at once:
# core.bulk_insert lifts those two triggers for its transaction and indexes the new rows
# with these two statements instead, so a document has one definition whichever way it goes.
SEARCH_INSERT_TRIGGERS = ("search_experiment_insert", "search_run_insert")
INDEX_EXPERIMENTS_AFTER = (
    f"{_experiment_document('e')} FROM experiment AS e WHERE e.id > :experiment"
)
INDEX_RUNS_AFTER = f"{_run_document('r')} FROM run AS r WHERE r.id > :run"

# Expectations an experiment's answers should meet, how their grades combine, and the grades.
# A grade keeps the expectation as it was when graded (its line, name, weight, target), so
# editing or removing an expectation never rewrites a past result; re-grading adds rows and
# the newest per run and expectation is the current one. Judge and embedding calls are
# recorded in `grade.grader`, never as runs: they must not fill the list, matrix or stats.
_M005_EXPECTATIONS_AND_GRADES = """
        CREATE TABLE expectation (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid          TEXT NOT NULL UNIQUE,
            experiment_id INTEGER NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
            position      INTEGER NOT NULL,
            kind          TEXT NOT NULL,
            negated       INTEGER NOT NULL DEFAULT 0,
            arg           TEXT,
            value         TEXT NOT NULL DEFAULT '',
            name          TEXT NOT NULL DEFAULT '',
            weight        REAL NOT NULL DEFAULT 1.0,
            target        TEXT NOT NULL DEFAULT 'answer',
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL
        );
        CREATE UNIQUE INDEX expectation_position ON expectation(experiment_id, position);

        -- No row: every expectation must pass. A threshold: the weighted score must reach it.
        CREATE TABLE experiment_grading (
            experiment_id INTEGER PRIMARY KEY REFERENCES experiment(id) ON DELETE CASCADE,
            threshold     REAL,
            updated_at    TEXT NOT NULL
        );

        CREATE TABLE grade (
            id               INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid             TEXT NOT NULL UNIQUE,
            run_id           INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            expectation_id   INTEGER REFERENCES expectation(id) ON DELETE SET NULL,
            expectation_uuid TEXT NOT NULL,
            expectation      TEXT NOT NULL,
            name             TEXT NOT NULL DEFAULT '',
            weight           REAL NOT NULL DEFAULT 1.0,
            target           TEXT NOT NULL DEFAULT 'answer',
            status           TEXT NOT NULL,
            score            REAL,
            reason           TEXT NOT NULL DEFAULT '',
            grader           JSON,
            created_at       TEXT NOT NULL
        );
        CREATE INDEX grade_run ON grade(run_id, expectation_id, id);
        CREATE INDEX grade_expectation ON grade(expectation_id);
"""

# A run made from a template keeps it and the values it was given, as
# {"prompt": ..., "system": ..., "values": {...}} (see core.templates); `system_prompt` and
# `messages` stay the rendered text that was sent. NULL for a run without variables.
_M006_RUN_TEMPLATE = """
        ALTER TABLE run ADD COLUMN template JSON;
"""

# An experiment's input set: an ordered table of cases, one row each. `variables` maps a
# variable name to its value (text); `expectations` lists the row's own expectations in their
# one-line form (see core.input_sets). Runs copy the values they used (run.template), so
# editing or removing a row never rewrites a run.
_M007_INPUT_ROWS = """
        CREATE TABLE input_row (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid          TEXT NOT NULL UNIQUE,
            experiment_id INTEGER NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
            position      INTEGER NOT NULL,
            variables     JSON NOT NULL DEFAULT '{}',
            expectations  JSON NOT NULL DEFAULT '[]',
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL
        );
        CREATE UNIQUE INDEX input_row_position ON input_row(experiment_id, position);
"""

# Batches: an experiment's template run over its input rows x models x repeats, spread over
# several Ollama hosts. A batch keeps what it was started with (the template, each model's
# digest, the hosts and their limits) so `resume` runs the same thing; each item keeps the
# row's values as they were then, and links its run in the transaction that records it (as
# a migration check's item does), so a killed batch runs nothing twice. A run records the
# host that served it and the input row it was made from (NULL once the row is removed: the
# run keeps its values in `template`). A check keeps its hosts too, for `resume`.
_M008_BATCHES_AND_HOSTS = """
        ALTER TABLE run ADD COLUMN host TEXT NOT NULL DEFAULT '';
        ALTER TABLE run ADD COLUMN input_row_id INTEGER REFERENCES input_row(id) ON DELETE SET NULL;
        CREATE INDEX run_input_row ON run(input_row_id);
        ALTER TABLE migration_check ADD COLUMN hosts JSON NOT NULL DEFAULT '[]';

        CREATE TABLE batch (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid          TEXT NOT NULL UNIQUE,
            experiment_id INTEGER NOT NULL REFERENCES experiment(id) ON DELETE CASCADE,
            name          TEXT NOT NULL DEFAULT '',
            prompt        TEXT NOT NULL,
            system_prompt TEXT NOT NULL DEFAULT '',
            options       JSON NOT NULL DEFAULT '{}',
            think         JSON,
            keep_alive    TEXT,
            models        JSON NOT NULL DEFAULT '[]',
            repeat        INTEGER NOT NULL DEFAULT 1,
            hosts         JSON NOT NULL DEFAULT '[]',
            status        TEXT NOT NULL DEFAULT 'running',
            owner         TEXT NOT NULL DEFAULT '',
            heartbeat_at  TEXT,
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            finished_at   TEXT
        );
        CREATE INDEX batch_experiment ON batch(experiment_id);

        CREATE TABLE batch_item (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            batch_id      INTEGER NOT NULL REFERENCES batch(id) ON DELETE CASCADE,
            position      INTEGER NOT NULL,
            input_row_id  INTEGER REFERENCES input_row(id) ON DELETE SET NULL,
            variables     JSON NOT NULL DEFAULT '{}',
            model         TEXT NOT NULL,
            repeat        INTEGER NOT NULL DEFAULT 1,
            run_id        INTEGER REFERENCES run(id) ON DELETE SET NULL
        );
        CREATE UNIQUE INDEX batch_item_position ON batch_item(batch_id, position);
        CREATE INDEX batch_item_run ON batch_item(run_id);
"""

# Conversations, structured output and images. A follow-up run records its parent (the run
# whose answer it continues); each run stores only its own turn's messages and its answer,
# and the history a turn was sent with is rebuilt from the chain (core.conversations), so 50
# turns never store 50 copies. Deleting a turn deletes the turns that followed it. `format`
# is Ollama's `format` as sent: NULL (none), "json", or a JSON schema object. Images live
# once each in `image`, addressed by the SHA-256 of their bytes; a message names its images
# by that hash (`"images": [sha256, ...]`), and `run_image` says which runs use which, so a
# journal opens and lists without reading a single image's bytes.
_M009_CONVERSATIONS_FORMAT_IMAGES = """
        ALTER TABLE run ADD COLUMN parent_id INTEGER REFERENCES run(id) ON DELETE CASCADE;
        CREATE INDEX run_parent ON run(parent_id);
        ALTER TABLE run ADD COLUMN format JSON;
        ALTER TABLE batch ADD COLUMN format JSON;

        CREATE TABLE image (
            sha256     TEXT PRIMARY KEY,
            mime       TEXT NOT NULL,
            size       INTEGER NOT NULL,
            width      INTEGER,
            height     INTEGER,
            data       BLOB NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE TABLE run_image (
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            sha256 TEXT NOT NULL REFERENCES image(sha256),
            PRIMARY KEY (run_id, sha256)
        );
        CREATE INDEX run_image_sha256 ON run_image(sha256);
"""

# The trash and the archive. Deleting is first a soft delete: `trashed_at` stamps an
# experiment (with its runs) or a run (with the turns that follow it) in one write, the same
# moment on every row, so restoring clears exactly what one delete stamped; everything that
# shows experiments and runs to people leaves stamped rows out, and only emptying the trash
# removes rows (the foreign keys' CASCADE then takes grades, input rows, batches and later
# turns along; see core.trash). `archived_at` hides an experiment from the default list only.
_M010_TRASH_AND_ARCHIVE = """
        ALTER TABLE experiment ADD COLUMN trashed_at TEXT;
        ALTER TABLE experiment ADD COLUMN archived_at TEXT;
        ALTER TABLE run ADD COLUMN trashed_at TEXT;
        CREATE INDEX experiment_trashed ON experiment(trashed_at) WHERE trashed_at IS NOT NULL;
        CREATE INDEX run_trashed ON run(trashed_at) WHERE trashed_at IS NOT NULL;
        -- The list counts and finds the newest of an experiment's runs outside the trash:
        -- from this index alone, as it did from run_experiment before.
        CREATE INDEX run_kept ON run(experiment_id, id, trashed_at) WHERE trashed_at IS NULL;
"""

# A run made from a shown run's prompt with other settings is a new run "based on" that
# one, not a replay: only an explicit replay promises the same request again.
_M011_BASED_ON = """
        ALTER TABLE run ADD COLUMN based_on_id INTEGER REFERENCES run(id) ON DELETE SET NULL;
        CREATE INDEX run_based_on ON run(based_on_id) WHERE based_on_id IS NOT NULL;
"""

MIGRATIONS: list[str] = [
    _M001_BASE,
    _M002_SEARCH,
    _M003_REPLAY_AND_CHECKS,
    _M004_SEARCH_PER_RUN,
    _M005_EXPECTATIONS_AND_GRADES,
    _M006_RUN_TEMPLATE,
    _M007_INPUT_ROWS,
    _M008_BATCHES_AND_HOSTS,
    _M009_CONVERSATIONS_FORMAT_IMAGES,
    _M010_TRASH_AND_ARCHIVE,
    _M011_BASED_ON,
]
LATEST_VERSION = len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """Split a script at statement ends (triggers hold `;` inside BEGIN ... END)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip().strip(";").strip():
                statements.append(pending)
            pending = ""
    if pending.strip():
        statements.append(pending)
    return statements


def apply_migrations(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> None:
    """Bring `conn` (in autocommit mode) up to `target`, one transaction per migration.

    The version is read inside each write transaction, so two processes opening a new
    journal at once cannot both apply the same migration.
    """
    if conn.execute("PRAGMA user_version").fetchone()[0] >= target:
        return  # the common case: no write lock needed just to open a journal
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current >= target:
                conn.execute("COMMIT")
                return
            for statement in _statements(MIGRATIONS[current]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {current + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
