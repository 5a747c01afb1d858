"""What a parse is busy with right now (e.g. “第3页无文字层，OCR 识别中”), told to a listener.

A reader calls ``tell`` at a slow step; the build's worker process listens and forwards the
text to the build, whose progress line shows it beside the file (etl/build/progress.py).
Nothing listens outside a build: ``tell`` is then free.
"""

from __future__ import annotations

from collections.abc import Callable

_listener: Callable[[str], None] | None = None


def listen(listener: Callable[[str], None] | None) -> None:
    """Given a callable (or None to stop), make it receive every activity text told from now on."""
    global _listener
    _listener = listener


def tell(text: str) -> None:
    """Given a short Chinese text of what the parse is doing, hand it to the listener, if any."""
    if _listener is not None:
        try:
            _listener(text)
        except Exception:  # a progress note must never break a parse
            pass
