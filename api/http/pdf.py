"""Printing a page to PDF with Debian's Chromium (`chromium --headless --print-to-pdf`).

Chromium rather than WeasyPrint (docs/printable-forms.md): it is what the browser tests
already run, so the PDF is the page those tests see, and WeasyPrint (with the Pango it
needs) is not installed here. Each PDF is one Chromium process with a fresh profile in a
temporary directory, given the HTML as a file: the page carries its style sheets inline
and a Content-Security-Policy that refuses scripts and every load from outside the page,
and host names resolve to nothing, so printing reaches no network. Chromium's own
`scriptEnabled=false` setting is not used: headless printing never finishes with it.
A missing, failing or slow Chromium is `PdfUnavailableError`, which the pages answer with 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20.0
# Chromium takes ~150 MB and a core for half a second: a few at once, the rest wait.
CONCURRENT_PRINTS = 2
_FLAGS = (
    "--headless",
    "--no-sandbox",  # as root in a container; the page is ours, escaped, script-free
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pdf-header-footer",
)


class PdfUnavailableError(Exception):
    """Chromium is missing, failed, or took too long."""


class PdfPrinter:
    """Prints HTML pages to PDF with the Chromium at `chromium`, a few at a time."""

    def __init__(self, chromium: Path, timeout_seconds: float = TIMEOUT_SECONDS) -> None:
        self.chromium = chromium
        self.timeout_seconds = timeout_seconds
        self._slots: asyncio.Semaphore | None = None  # made on the app's event loop

    async def print(self, html: str) -> bytes:
        """The PDF of `html`, a self-contained page."""
        if not self.chromium.is_file():
            logger.warning("PDF unavailable: no Chromium at the configured path")
            raise PdfUnavailableError
        if self._slots is None:
            self._slots = asyncio.Semaphore(CONCURRENT_PRINTS)
        async with self._slots:
            with tempfile.TemporaryDirectory(prefix="motcua-pdf-") as folder:
                return await self._print_in(Path(folder), html)

    async def _print_in(self, folder: Path, html: str) -> bytes:
        page, output = folder / "page.html", folder / "page.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            str(self.chromium),
            *_FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            f"--crash-dumps-dir={folder / 'crashes'}",
            f"--print-to-pdf={output}",
            page.as_uri(),
        ]
        try:
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as error:
            logger.warning("PDF unavailable: Chromium did not start (%s)", type(error).__name__)
            raise PdfUnavailableError from None
        try:
            returncode = await asyncio.wait_for(process.wait(), self.timeout_seconds)
        except TimeoutError:
            logger.warning("PDF unavailable: Chromium took over %s s", self.timeout_seconds)
            raise PdfUnavailableError from None
        finally:  # also when cancelled; and no helper outlives the browser
            await _stop(process)
        pdf = output.read_bytes() if output.is_file() else b""
        if returncode != 0 or not pdf.startswith(b"%PDF"):
            logger.warning("PDF unavailable: Chromium exited with %s", returncode)
            raise PdfUnavailableError
        return pdf


async def _stop(process: asyncio.subprocess.Process) -> None:
    # Its own session: the group holds Chromium's helpers too, and nothing else.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    await process.wait()
