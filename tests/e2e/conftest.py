"""The demo stack and a headless Chromium, shared by the end-to-end tests.

Home Assistant, the simulator and the browser live on an event loop in a thread of their own
(Home Assistant's test plugin owns the loops of the test functions). Where the kernel allows
it, that thread first moves into a network namespace of its own with only loopback in it, so
Home Assistant's discovery (mDNS, SSDP, DHCP) and its calls to the internet never leave this
machine; everything it starts (Home Assistant, Chromium) inherits the namespace.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
import concurrent.futures
from dataclasses import dataclass
import os
from pathlib import Path
import shutil
import subprocess
import threading
from typing import Any

from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    async_playwright,
    expect,
)
import pytest
import pytest_socket

from .stack import PASSWORD, USERNAME, DemoStack, free_port

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
UI_TIMEOUT_MS = 20_000  # one step in the browser: a page load, a value showing up
START_TIMEOUT = 90.0  # the whole stack, cold (about 5 s here)


def chromium_path() -> str:
    """Debian's chromium (scripts/setup installs it); BC_CHROMIUM overrides."""
    for candidate in (os.environ.get("BC_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail("no chromium: run scripts/setup (it installs Debian's chromium)")


def _isolate_network() -> bool:
    """Move this thread into a new network namespace with loopback (and multicast on it)."""
    ip = shutil.which("ip")
    if ip is None or not hasattr(os, "unshare"):
        return False
    try:
        os.unshare(os.CLONE_NEWNET)
    except OSError:
        return False  # not allowed here (not root): run in the machine's namespace
    for args in (
        ["link", "set", "lo", "up", "multicast", "on"],
        ["route", "add", "224.0.0.0/4", "dev", "lo"],  # mDNS and SSDP stay on loopback
    ):
        subprocess.run([ip, *args], check=True, timeout=10)
    return True


class LoopThread:
    """An event loop in its own thread; `run` waits for a coroutine with a time limit."""

    def __init__(self) -> None:
        """Start the thread and wait until its loop runs."""
        self.loop = asyncio.new_event_loop()
        # One worker, started now: Home Assistant's test plugin fails a test that leaves
        # new threads behind, and the loop's executor would otherwise start them lazily.
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self._executor.submit(lambda: None).result()
        self.loop.set_default_executor(self._executor)
        self.isolated = False
        ready = threading.Event()
        self._thread = threading.Thread(target=self._main, args=(ready,), name="e2e-loop")
        self._thread.start()
        if not ready.wait(30):
            raise RuntimeError("the end-to-end loop did not start")

    def _main(self, ready: threading.Event) -> None:
        self.isolated = _isolate_network()
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(ready.set)
        self.loop.run_forever()
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()

    def run[T](self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run `coro` on the loop; fail after `timeout` seconds."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            pytest.fail(f"timed out after {timeout:.0f} s")

    def stop(self) -> None:
        """Stop the loop and join the thread."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)
        self._executor.shutdown(wait=True)


@dataclass
class E2E:
    """What the tests drive: the stack, and a logged-in browser page."""

    thread: LoopThread
    stack: DemoStack
    playwright: Playwright
    browser: Browser
    context: BrowserContext
    page: Page

    def run[T](self, coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        """Run a step of a test on the stack's loop."""
        return self.thread.run(coro, timeout)


@pytest.fixture(autouse=True)
def _loopback(socket_enabled: None) -> None:
    """Sockets on (Home Assistant's test plugin turns them off); hosts stay 127.0.0.1 only."""


async def _start(config_dir: Path) -> DemoStack:
    stack = DemoStack(
        config_dir,
        port=free_port(),  # free in the namespace the loop runs in
        sim_port=free_port(),
        install="copy",  # as HACS installs it: the integration's folder, nothing else
        tick=0,  # values change on commands only, so the page and the simulator agree
        console=config_dir.parent / "hass-console.log",
    )
    await stack.start()
    return stack


async def _log_in(page: Page, url: str) -> None:
    """The login form, as a person fills it in."""
    await page.goto(f"{url}/")
    await page.locator("input[name=username]").fill(USERNAME)
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(lambda u: "/auth/" not in u)
    await page.get_by_text("Settings", exact=True).first.wait_for()


@pytest.fixture(scope="package")
def e2e(tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2E]:
    """The stack on a fresh config directory and a browser logged in as the demo user."""
    pytest_socket.enable_socket()  # module set-up runs before the autouse fixture above
    thread = LoopThread()
    stack: DemoStack | None = None
    pw: Playwright | None = None
    browser: Browser | None = None
    try:
        config_dir = tmp_path_factory.mktemp("e2e") / "config"
        config_dir.mkdir()
        stack = thread.run(_start(config_dir), START_TIMEOUT)
        pw = thread.run(async_playwright().start(), 60)
        browser = thread.run(
            pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS), 60
        )
        context = thread.run(browser.new_context(viewport=VIEWPORT, locale="en-US"), 30)
        context.set_default_timeout(UI_TIMEOUT_MS)
        expect.set_options(timeout=UI_TIMEOUT_MS)
        page = thread.run(context.new_page(), 30)
        thread.run(_log_in(page, stack.url), 60)
        yield E2E(thread, stack, pw, browser, context, page)
    finally:
        if browser is not None:
            thread.run(browser.close(), 30)
        if pw is not None:
            thread.run(pw.stop(), 30)
        if stack is not None:
            thread.run(stack.stop(), 60)
        thread.stop()
