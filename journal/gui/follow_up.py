"""Follow-up mode: the next Run continues a recorded turn instead of starting afresh.

Continue (Ctrl+Shift+F) on a run of the history puts the prompt panel in this mode: a
banner names the turn being continued, the prompt is emptied for the next message, and
the model and settings are the parent's until the person changes them; images attached
go with the follow-up's message, as with any prompt. Run then sends
`conversations.follow_up` (the core rebuilds the history); once the new turn has
answered it becomes the one continued, so a conversation goes on turn after turn.
Continuing an earlier turn makes a branch; nothing recorded changes. Selecting another
run in the history, the banner's ×, or Esc leave the mode.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from journal.core.domain import RunStatus

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.conversations import ContextEstimate
    from journal.core.errors import JournalError
    from journal.core.models import Run
    from journal.core.runner import RunSpec
    from journal.gui.context import AppContext
    from journal.gui.prompt_panel import PromptPanel
    from journal.gui.run_controller import RunController
    from journal.gui.run_display import RunDisplay

translate = QCoreApplication.translate

WARNING_SHOWN_MS = 30_000


class FollowUpBanner(QFrame):
    """One line above the prompt: which turn the next Run continues, with a × to leave;
    a second line when the conversation nearly fills the model's context."""

    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followUpBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # A translucent blue: a mode, not a problem (the amber banners are problems).
        self.setStyleSheet(
            "#followUpBanner { background: rgba(60, 130, 220, 0.14);"
            " border: 1px solid rgba(60, 130, 220, 0.5); border-radius: 4px; }"
        )
        self.label = QLabel()
        self.label.setAccessibleName(translate("follow_up", "Follow-up"))
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b06000;")
        self.warning.hide()
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(
            translate("follow_up", "Leave follow-up mode: the next Run starts afresh (Esc)")
        )
        self.close_button.setAccessibleName(translate("follow_up", "Leave follow-up mode"))
        self.close_button.clicked.connect(self.close_requested)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 2, 2, 2)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.warning)
        self.hide()

    def set_warning(self, text: str | None) -> None:
        self.warning.setText(text or "")
        self.warning.setVisible(bool(text))


class FollowUps(QObject):
    """Whether the next Run is a follow-up, to which run, and sending it."""

    active_changed = Signal(bool)

    def __init__(
        self,
        context: AppContext,
        runs: RunController,
        display: RunDisplay,
        panel: PromptPanel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._runs = runs
        self._display = display
        self._panel = panel
        self._parent: Run | None = None  # the turn the next Run continues
        self._sent: int | None = None  # the follow-up streaming or just ended
        self._turn = 2  # the turn the next Run makes
        self.banner = FollowUpBanner()
        panel.add_above_prompt(self.banner)
        QWidget.setTabOrder(panel.system_edit, self.banner.close_button)
        QWidget.setTabOrder(self.banner.close_button, panel.prompt_edit)
        self.banner.close_requested.connect(self.leave)
        runs.started.connect(self._on_runs_started)
        context.journal_opened.connect(self._on_context_journal_opened)

    @property
    def active(self) -> bool:
        return self._parent is not None

    # -- entering and leaving ---------------------------------------------------------------

    @Slot()
    def begin(self) -> None:
        """Continue the run selected in the history (the Continue action)."""
        run_id = self._display.current_run_id()
        row = self._display.history_model.row_of(run_id) if run_id is not None else None
        if row is None:
            self._context.say(
                translate("follow_up", "Select a run in the history to continue it."), 6000
            )
            return
        run = self._display.history_model.run(row)
        if run.status in (RunStatus.PENDING, RunStatus.STREAMING) or run.id == (
            self._runs.live_run_id
        ):
            self._context.say(
                translate(
                    "follow_up",
                    "Run {id} is still answering: continue it once it has finished.",
                ).format(id=run.id),
                8000,
            )
            return
        self._follow(run)
        self._panel.focus_prompt()

    @Slot()
    def leave(self) -> bool:
        """Leave follow-up mode (the prompt is kept); False if it was not on."""
        if self._parent is None:
            return False
        self._parent = self._sent = None
        self.banner.hide()
        self.banner.set_warning(None)
        self.active_changed.emit(False)
        return True

    def _follow(self, run: Run) -> None:
        """Make `run` the turn continued: its model and settings, an empty prompt."""
        was_active = self.active
        self._parent = run
        panel = self._panel
        panel.model_picker.set_current_model(run.model)
        panel.set_system_prompt(run.system_prompt)
        panel.options_panel.set_values(dict(run.options), run.keep_alive, run.think)
        panel.set_prompt("")
        panel.attached_images.clear()  # the next message is new: so are its images
        node = self._display.history_model.turn(run.id or 0)
        self._turn = node.turn + 1 if node is not None else 2
        self.banner.label.setText(
            translate("follow_up", "Follow-up to run {id} · turn {turn} · {model}").format(
                id=run.id, turn=self._turn, model=run.model
            )
        )
        self.banner.label.setToolTip(
            translate(
                "follow_up",
                "The next Run sends the conversation up to run {id} with the new prompt; "
                "the model and settings are run "
                "{id}'s unless you change them. Continuing an earlier turn makes a branch.",
            ).format(id=run.id)
        )
        self.banner.show()
        if not was_active:  # a warning stays while the conversation goes on: it only grows
            self.banner.set_warning(None)
            self.active_changed.emit(True)

    def run_chosen(self, run: Run) -> bool:
        """The history's selection moved to `run`: True when follow-up mode keeps it (the
        run continued, or the follow-up that just answered: continued next); else the mode
        ends and the window loads the run as usual."""
        if self._parent is None:
            return False
        if run.id == self._parent.id:
            return True
        if run.id is not None and run.id == self._sent:
            self._sent = None
            if run.status is RunStatus.DONE:
                self._follow(run)
            return True
        self.leave()
        return False

    @Slot(object)
    def _on_context_journal_opened(self, _journal: object) -> None:
        self.leave()  # the run continued was in the journal closed

    @Slot(object, str)
    def _on_runs_started(self, run: Run, _notice: str) -> None:
        if self._parent is not None and run.parent_id == self._parent.id:
            self._sent = run.id

    # -- sending ----------------------------------------------------------------------------

    def send(self) -> None:
        """Run the follow-up written in the prompt panel (the window checked it may run)."""
        from journal.core.conversations import chain, follow_up, history_of
        from journal.core.images import user_message

        parent, panel = self._parent, self._panel
        texts = panel.rendered()
        if parent is None or parent.id is None or texts is None:
            return
        parent_id = parent.id
        options = panel.options_panel.options()
        # The panel shows every option: one the parent had and the panel no longer has is
        # dropped (None), as `journal run --continue -o KEY=` drops it.
        changes = {key: None for key in parent.options if key not in options} | options
        request = panel.options_panel.request_fields()
        # Images attached go with the follow-up's own message and are stored with its run;
        # later turns send them again with the history (Ollama keeps nothing between calls).
        images = panel.attached_images.images()
        shas = [image.sha256 for image in images]

        def build(session: Session) -> RunSpec:
            spec = follow_up(
                session,
                parent_id,
                texts.prompt,
                model=panel.model_picker.current_model() or None,
                options=changes,
                system_prompt=texts.system,
                keep_alive=request.get("keep_alive"),
                think=request.get("think"),
                messages=[user_message(texts.prompt, shas)] if images else None,
            )
            # The history is every turn up to AND including the parent, its answer last
            # (`follow_up` on this branch leaves the parent's own turn out).
            return replace(spec, history=history_of(chain(session, parent_id)))

        spec = self._context.read(build)
        if spec is None:
            return
        if texts.template is not None:
            spec = replace(spec, template=texts.template.to_json())
        self._check_context(spec, parent)
        if self._runs.start(spec, repeat=panel.repeat(), images=images):
            self._display.begin_stream(
                translate("follow_up", "Waiting for the model…"),
                translate("follow_up", "{model}  ·  turn {turn}  ·  starting…").format(
                    model=spec.model, turn=self._turn
                ),
            )

    def _check_context(self, spec: RunSpec, parent: Run) -> None:
        """Warn when the conversation nearly fills the context; the run is sent anyway.
        Known settings are measured here; otherwise the server is asked in the background."""
        from journal.core.conversations import check_context, context_estimate

        show = self._panel.current_model_show()
        if show is not None and self._panel.model_picker.current_model() != spec.model:
            show = None
        if "num_ctx" in spec.options or show is not None:
            self._warn(context_estimate(spec, parent, show))
            return
        service = self._context.service
        if service is None:
            return
        self._context.run(
            lambda: check_context(service, spec, parent),
            self._warn,
            self._on_check_failed,
            owner=self,
        )

    def _warn(self, estimate: ContextEstimate) -> None:
        warning = estimate.warning()
        if self._parent is not None:
            self.banner.set_warning(warning)
        if warning:
            self._context.say(warning, WARNING_SHOWN_MS)

    def _on_check_failed(self, _error: JournalError) -> None:
        """The estimate is advice: a read that failed costs the person nothing."""
