"""A Streamlit session driven over the websocket protocol, the way a browser tab drives it.

It sends BackMsg `rerun_script` (widget states, page script hash, query string) and reads
ForwardMsg until `script_finished`, remembering the widgets each run rendered so the next
run can change them for real. No browser: only `websockets` and Streamlit's own protos.

    async with StreamlitSession.connect("ws://127.0.0.1:8501/_stcore/stream") as session:
        await session.rerun()
        await session.log_in("alice", "secret")
        await session.open_page("Discover", widgets={"List": ["Popular"]})
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.typing import Subprotocol

FINISHED_OK = (
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
)
#: A value a widget can be set to: a string, number, flag or list of option labels.
WidgetValue = str | float | int | bool | Sequence[str]


class RerunFailed(RuntimeError):
    """The script raised (an `exception` element), or finished abnormally."""


@dataclass(frozen=True, slots=True)
class Widget:
    kind: str  # the Element oneof: "button", "text_input", "button_group", "slider", …
    label: str
    id: str
    options: tuple[str, ...] = ()


@dataclass(slots=True)
class RunResult:
    seconds: float
    widgets: list[Widget]
    page_links: list[str]  # the query strings of page links rendered (e.g. "id=238")
    pages: dict[str, str]  # page title → page script hash
    exceptions: list[str] = field(default_factory=list)


def _widget_of(element: Any) -> Widget | None:
    kind = element.WhichOneof("type")
    proto = getattr(element, kind)
    widget_id = getattr(proto, "id", "")
    if not widget_id or kind in {"component_instance", "imgs"}:
        return None
    options: tuple[str, ...] = ()
    raw = getattr(proto, "options", ())
    if kind == "button_group":
        options = tuple(option.content for option in raw)
    elif raw and isinstance(raw[0], str):
        options = tuple(raw)
    return Widget(kind=kind, label=getattr(proto, "label", ""), id=widget_id, options=options)


def _state(widget: Widget, value: WidgetValue) -> WidgetState:
    state = WidgetState(id=widget.id)
    if widget.kind == "button":
        state.trigger_value = bool(value)
    elif isinstance(value, bool):
        state.bool_value = value
    elif isinstance(value, str):
        state.string_value = value
    elif isinstance(value, int | float):
        state.double_value = float(value)
    else:
        state.string_array_value.data.extend(value)
    return state


class StreamlitSession:
    """One browser tab's session. Reruns are sequential, as a tab's are."""

    def __init__(self, socket: Any) -> None:
        self._socket = socket
        self.pages: dict[str, str] = {}
        self._widgets: dict[str, list[Widget]] = {}  # page script hash → its last widgets
        self.page_hash = ""
        self.query = ""
        self.last: RunResult | None = None

    @classmethod
    @asynccontextmanager
    async def connect(
        cls, url: str, *, cookies: Mapping[str, str] | None = None
    ) -> AsyncIterator[StreamlitSession]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        async with websockets.connect(
            url, subprotocols=[Subprotocol("streamlit")], max_size=None, additional_headers=headers
        ) as socket:
            yield cls(socket)

    @property
    def widgets(self) -> list[Widget]:
        """The widgets the current page rendered the last time it ran."""
        return self._widgets.get(self.page_hash, [])

    def widget(self, label: str, *, kind: str | None = None) -> Widget:
        for widget in self.widgets:
            if widget.label == label and (kind is None or widget.kind == kind):
                return widget
        raise LookupError(f"no widget {label!r} on this page: {[w.label for w in self.widgets]}")

    async def rerun(
        self,
        values: Mapping[str, WidgetValue] | None = None,
        *,
        page: str | None = None,
        query: str | None = None,
    ) -> RunResult:
        """One run: set the widgets named by label in `values` (others keep no state, as after
        a page switch), optionally on another page (by title) and query string."""
        if page is not None:
            self.page_hash = self.pages[page]
        if query is not None:
            self.query = query
        states = [_state(self.widget(label), value) for label, value in (values or {}).items()]
        message = BackMsg()
        message.rerun_script.query_string = self.query
        message.rerun_script.page_script_hash = self.page_hash
        message.rerun_script.widget_states.widgets.extend(states)
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        result = await self._read_run(started)
        self._widgets[self.page_hash] = result.widgets
        self.last = result
        self.pages.update(result.pages)
        if result.exceptions:
            raise RerunFailed("; ".join(result.exceptions))
        return result

    async def log_in(self, username: str, password: str, *, attempts: int = 3) -> None:
        """Fill the login form and submit it. A freshly started server can change the form's
        widget ids between its first two runs and drop the first submit; try again then."""
        if not self.widgets:
            await self.rerun()
        for _ in range(attempts):
            if not any(w.label == "Log in" for w in self.widgets):
                return
            await self.rerun({"Username": username, "Password": password, "Log in": True})
        if any(w.label == "Log in" for w in self.widgets):
            raise RerunFailed(f"could not log in as {username}")

    async def _read_run(self, started: float) -> RunResult:
        result = RunResult(seconds=0.0, widgets=[], page_links=[], pages={})
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self._socket.recv())
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._collect(message.delta.new_element, result)
            elif kind == "navigation":
                result.pages = {
                    p.page_name: p.page_script_hash for p in message.navigation.app_pages
                }
                self.page_hash = message.navigation.page_script_hash
            elif kind == "script_finished":
                if message.script_finished not in FINISHED_OK:
                    result.exceptions.append(f"script finished with {message.script_finished}")
                result.seconds = time.perf_counter() - started
                return result

    @staticmethod
    def _collect(element: Any, result: RunResult) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            result.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "page_link" and element.page_link.query_string:
            result.page_links.append(element.page_link.query_string)
        widget = _widget_of(element)
        if widget is not None:
            result.widgets.append(widget)
