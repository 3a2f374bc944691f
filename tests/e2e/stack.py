"""The demo stack: the simulated clouds and Home Assistant with the integration.

scripts/develop runs it on config/ (the integration linked in, so edits show after a restart);
the end-to-end tests run the same stack on a fresh directory with a *copy* of the integration,
the way HACS installs it. One process hosts the simulator; Home Assistant runs as a child
(`--skip-pip`: everything it needs is installed by scripts/setup) and is stopped with it.

The simulator serves the Blue Current cloud (two charge points on one account and one grid,
the first one charging, two charge cards) and, on the same port, the Shell Recharge API with
the demo card, on which a public charge session runs before Home Assistant starts.

Set-up goes through Home Assistant's own REST API, so it writes its own storage: onboarding
creates the demo user, the config flow adds the simulator's account and the Shell Recharge
card, the card's options flow sets its default EVSE. Every step is skipped when it was done
before, so a second start only starts, and a start that was stopped half-way (Ctrl-C, a
closed terminal) picks up where it stopped.

Nothing in the demo reaches beyond this machine: config/configuration.yaml leaves out what
calls the internet or searches the network, and the repair Home Assistant raises about how
the demo runs it (from a virtual environment) is ignored through its repairs API.

    python -m tests.e2e.stack --config config --port 8123
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Mapping
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import IO, Any, Self
import uuid

import aiohttp

from simulator.__main__ import (
    DEMO_SHELL_CARD,
    DEMO_SHELL_EVSES,
    build_cloud,
    build_shell_cloud,
    parse_args,
)
from simulator.bluecurrent import BlueCurrentCloud
from simulator.bluecurrent.model import ChargePoint
from simulator.server import Simulator
from simulator.shell import ShellCloud, SimSession, State

REPO = Path(__file__).resolve().parents[2]
DOMAIN = "blue_current"
INTEGRATION = REPO / "custom_components" / DOMAIN
CONFIGURATION = REPO / "config" / "configuration.yaml"

# The local demo's login. Home Assistant listens on 127.0.0.1 only; never reuse these.
USER_NAME = "Demo"
USERNAME = "demo"
PASSWORD = "blue-current-demo"
TOKEN = "demo-token"
# The Shell Recharge card: the simulator's default partner credentials, card and EVSEs.
SHELL_CLIENT_ID = "demo-client"
SHELL_CLIENT_SECRET = "demo-secret"
SHELL_CARD = DEMO_SHELL_CARD
SHELL_EVSE = DEMO_SHELL_EVSES[0]  # where the public session runs; the card's default EVSE
SHELL_MENU = "shell_recharge"  # the config flow's menu option for a card

START_TIMEOUT = 90.0  # seconds for Home Assistant to answer HTTP and finish starting
ENTRY_TIMEOUT = 45.0  # seconds for the config entry to load
STOP_TIMEOUT = 30.0  # seconds for Home Assistant to shut down before it is killed
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=20)

# The onboarding step "core_config" adds weather, radio, text-to-speech and shopping-list
# integrations that download packages and reach the internet; the demo marks it done before
# the first start (Home Assistant's own location settings come from configuration.yaml).
ONBOARDING_STORE = {"version": 4, "minor_version": 1, "key": "onboarding"}
PRESET_STEPS = ["core_config"]
# Home Assistant's own stores of logins (user name and password hash) and of users and their
# credentials; onboarding's user step writes both.
LOGIN_STORE = "auth_provider.homeassistant"
AUTH_STORE = "auth"
HTTP_STORE = {"version": 2, "minor_version": 2, "key": "http"}
HTTP_DEFAULTS: dict[str, Any] = {
    "cors_allowed_origins": ["https://cast.home-assistant.io"],
    "login_attempts_threshold": -1,
    "ip_ban_enabled": True,
    "ssl_profile": "modern",
    "use_x_frame_options": True,
    "created_at": "",
    "error": None,
    "error_message": None,
}


# Repairs about the way the demo runs Home Assistant, not about the integration: it runs from
# a virtual environment (installation type "Home Assistant Core"), which Home Assistant no
# longer supports for real homes. The demo ignores them, as a user would in Settings → Repairs.
FOREIGN_ISSUES = frozenset(
    {
        ("homeassistant", "deprecated_method"),
        ("homeassistant", "deprecated_method_architecture"),
    }
)
# The steps of a start, in order; each first looks at what an earlier start left behind.
STEPS = (
    "config",  # configuration.yaml, the integration, the preset storage
    "home_assistant",  # the simulator, then Home Assistant until it answers HTTP
    "user",  # onboarding's user step, or a login when it was done before
    "onboarding",  # the rest of onboarding; Home Assistant running
    "repairs",  # the foreign repairs ignored
    "account",  # the simulator's Blue Current account
    "card",  # the Shell Recharge card; both entries loaded
    "options",  # the card's default EVSE
    "areas",  # an area per charge point
    "dashboards",  # the Charging dashboard and the Energy dashboard's devices
)


class StackError(RuntimeError):
    """The stack did not come up."""


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# Run first in Home Assistant's process, which it then becomes (exec): ignore SIGTERM, and die
# with the thread that started it.
#
# Home Assistant handles SIGTERM only once it has started; before, SIGTERM would end it at
# once, and what it saves with a delay (users, registries, entries) would be lost, its
# database perhaps damaged. Ignored (an ignored signal stays ignored across exec), a SIGTERM
# then does nothing, and stop() waits until Home Assistant handles it. If the process that
# started it dies without stopping it, it is killed (PR_SET_PDEATHSIG, also kept across exec):
# a process that ignores SIGTERM must not stay behind.
_CHILD_PRELUDE = """
import ctypes, os, signal, sys
signal.signal(signal.SIGTERM, signal.SIG_IGN)
ctypes.CDLL(None).prctl(1, signal.SIGKILL)
os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
"""


def _sigterm_disposition(pid: int) -> str:
    """What process `pid` does with SIGTERM: "caught", "ignored" or "default"."""
    masks = {"SigCgt": 0, "SigIgn": 0}
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        if key in masks:
            masks[key] = int(value.strip(), 16)
    bit = 1 << (signal.SIGTERM - 1)
    if masks["SigCgt"] & bit:
        return "caught"
    return "ignored" if masks["SigIgn"] & bit else "default"


async def _stop_in_order(hass: subprocess.Popen[bytes]) -> None:
    """One SIGTERM once Home Assistant handles it, then wait; SIGKILL when it takes too long.

    "default" means its handler has run already (it is stopping): then only wait.
    """
    deadline = time.monotonic() + START_TIMEOUT + STOP_TIMEOUT
    told = waited = False
    while hass.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError):  # gone between poll() and the read
            disposition = _sigterm_disposition(hass.pid)
            if disposition == "caught" and not told:
                hass.send_signal(signal.SIGTERM)
                told, deadline = True, time.monotonic() + STOP_TIMEOUT
            elif disposition == "ignored" and not waited:
                _say("Home Assistant is still starting; it stops when it can stop in order")
                waited = True
        await asyncio.sleep(0.1)
    if hass.poll() is None:
        hass.kill()
        hass.wait(timeout=10)


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write whole or not at all: a start stopped half-way must not leave half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.partial")
    partial.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    partial.replace(path)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _resume_onboarding(storage: Path) -> None:
    """Leave onboarding's user step either wholly done or wholly to do, before a start.

    The user step saves the demo's login and that the step is done right away, but the user
    itself a second later. A Home Assistant that ends in between (killed, or stopped while
    it starts by a stack that did not wait, see _CHILD_PRELUDE) leaves a login without its
    user, or a login and the step not done; onboarding then refuses to make the user again
    ('Username "demo" already exists'). So: a login with its user means the step is done
    (this start logs in); a login without one is removed together with the step, and
    onboarding makes both again.
    """
    onboarding, logins = _read_json(storage / "onboarding"), _read_json(storage / LOGIN_STORE)
    auth = _read_json(storage / AUTH_STORE)
    kept = [] if logins is None else logins["data"]["users"]
    has_login = any(login["username"] == USERNAME for login in kept)
    user_ids = {user["id"] for user in auth["data"]["users"]} if auth else set()
    has_user = auth is not None and any(
        credential["auth_provider_type"] == "homeassistant"
        and credential["data"].get("username") == USERNAME
        and credential.get("user_id") in user_ids
        for credential in auth["data"]["credentials"]
    )
    if has_login and not has_user:
        logins["data"]["users"] = [login for login in kept if login["username"] != USERNAME]
        _write_json(storage / LOGIN_STORE, logins)
    done: list[str] = onboarding["data"]["done"]
    if ("user" in done) != (has_login and has_user):
        onboarding["data"]["done"] = [
            *(step for step in done if step != "user"),
            *(["user"] if has_login and has_user else []),
        ]
        _write_json(storage / "onboarding", onboarding)


def prepare_config(config_dir: Path, *, port: int, install: str) -> None:
    """configuration.yaml, the integration (linked or copied) and the preset storage.

    Home Assistant keeps its HTTP settings in `.storage/http` (YAML is only migrated once and
    then ignored), so the address is written there: 127.0.0.1 and `port`, nothing else.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    target = config_dir / "configuration.yaml"
    if target.resolve() != CONFIGURATION.resolve():
        shutil.copyfile(CONFIGURATION, target)

    components = config_dir / "custom_components"
    components.mkdir(exist_ok=True)
    dest = components / DOMAIN
    if install == "link":
        if not dest.is_symlink():
            if dest.exists():
                raise StackError(f"{dest} exists and is not a link to {INTEGRATION}")
            dest.symlink_to(os.path.relpath(INTEGRATION, components))
    else:  # "copy": what HACS does, the integration folder and nothing else
        if dest.is_symlink():
            dest.unlink()
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(INTEGRATION, dest, ignore=shutil.ignore_patterns("__pycache__"))

    storage = config_dir / ".storage"
    if not (storage / "onboarding").exists():
        _write_json(storage / "onboarding", {**ONBOARDING_STORE, "data": {"done": PRESET_STEPS}})
    _resume_onboarding(storage)
    http_file = storage / "http"
    http: dict[str, Any] = {**HTTP_STORE, "data": {"stable": {}}}
    if http_file.exists():
        http = json.loads(http_file.read_text(encoding="utf-8"))
    stable = {**HTTP_DEFAULTS, **http["data"]["stable"], **_listen(port)}
    if http["data"] != {"stable": stable, "pending": None, "yaml_migration_done": True}:
        stable["created_at"] = datetime.now(UTC).isoformat()
        http["data"] = {"stable": stable, "pending": None, "yaml_migration_done": True}
        _write_json(http_file, http)


def _listen(port: int) -> dict[str, Any]:
    return {"server_host": ["127.0.0.1"], "server_port": port}


def _demo_args(*, sim_port: int, tick: float, seed: int) -> argparse.Namespace:
    return parse_args(
        [
            *("--port", str(sim_port), "--token", TOKEN, "--seed", str(seed)),
            *("--charge-points", "2", "--cards", "2", "--tick", str(tick)),
            *("--shell-client-id", SHELL_CLIENT_ID, "--shell-client-secret", SHELL_CLIENT_SECRET),
            *("--shell-card", SHELL_CARD),
            *(arg for evse_id in DEMO_SHELL_EVSES for arg in ("--shell-evse", evse_id)),
        ]
    )


def demo_shell_cloud(*, seed: int = 0) -> ShellCloud:
    """The Shell Recharge API with the demo card and its public EVSEs (no session yet)."""
    return build_shell_cloud(_demo_args(sim_port=0, tick=0, seed=seed))


def demo_cloud(*, sim_port: int, tick: float, seed: int = 0) -> BlueCurrentCloud:
    """Two charge points on one grid and two charge cards; the first one is charging."""
    cloud = build_cloud(_demo_args(sim_port=sim_port, tick=tick, seed=seed))
    driveway, garage = cloud.account(TOKEN).charge_points.values()
    driveway.plug_in()
    driveway.start_charging()
    garage.plug_in()  # a car waits: "Start charge session" has something to start
    return cloud


@dataclass
class DemoStack:
    """The simulator (in this process) and Home Assistant (a child) on one config directory."""

    config_dir: Path
    port: int = 8123
    sim_port: int = 8765
    install: str = "link"  # or "copy"
    tick: float = 5.0  # simulator seconds per tick; 0: values change only on commands
    console: Path | None = None  # where Home Assistant's console output goes; None: ours
    cloud: BlueCurrentCloud = field(init=False)
    shell: ShellCloud = field(init=False)
    shell_session_id: str = field(init=False, default="")  # the public session started first
    token: str = field(init=False, default="")
    _simulator: Simulator | None = field(init=False, default=None)
    _hass: subprocess.Popen[bytes] | None = field(init=False, default=None)
    _console: IO[bytes] | None = field(init=False, default=None)
    _session: aiohttp.ClientSession | None = field(init=False, default=None)

    @property
    def url(self) -> str:
        """Home Assistant's address."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def server_url(self) -> str:
        """The simulator's websocket address, as the config entry stores it."""
        assert self._simulator is not None
        return self._simulator.bluecurrent_url

    @property
    def shell_url(self) -> str:
        """The simulator's Shell Recharge API, as the card's entry stores it."""
        assert self._simulator is not None
        return self._simulator.base_url

    def charge_point(self, number: int) -> ChargePoint:
        """The simulator's charge point 0 or 1."""
        return list(self.cloud.account(TOKEN).charge_points.values())[number]

    def shell_session(self, session_id: str | None = None) -> SimSession:
        """A session of the simulated Shell API as it stands now; by default the first one."""
        return self.shell.session(session_id or self.shell_session_id)

    async def __aenter__(self) -> Self:
        """Start everything; on failure stop what started."""
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop everything."""
        await self.stop()

    async def start(self, *, until: str | None = None) -> None:
        """Simulator, Home Assistant, onboarding and the config entries; timed in the log.

        Runs the STEPS in order. `until` names a step to stop before, as if the start were
        interrupted there (the tests of resuming use it); stop() then stops what runs.
        """
        if until is not None and until not in STEPS:
            raise ValueError(f"no step {until!r}; the steps are {STEPS}")
        began = time.monotonic()
        steps: dict[str, Callable[[], Awaitable[None]]] = {
            "config": self._prepare,
            "home_assistant": self._start_home_assistant,
            "user": self._onboard_user,
            "onboarding": self._onboard_rest,
            "repairs": self._ignore_foreign_issues,
            "account": self._ensure_account,
            "card": self._ensure_card,
            "options": self._ensure_default_evse,
            "areas": self._place_devices,
            "dashboards": self._set_up_dashboards,
        }
        for name in STEPS:
            if name == until:
                return
            await steps[name]()
        _say(f"stack ready in {time.monotonic() - began:.1f} s")

    async def _prepare(self) -> None:
        prepare_config(self.config_dir, port=self.port, install=self.install)

    async def _start_home_assistant(self) -> None:
        self.cloud = demo_cloud(sim_port=self.sim_port, tick=self.tick)
        self.shell = demo_shell_cloud()
        self._simulator = Simulator(bluecurrent=self.cloud, extra=[self.shell])
        await self._simulator.start("127.0.0.1", self.sim_port)
        # A few minutes of charging, so energy and cost are not zero.
        await self.cloud.tick(300)
        self._session = aiohttp.ClientSession(timeout=HTTP_TIMEOUT)
        self.shell_session_id = await self._start_public_session()
        self._start_hass()
        await self._wait_for_http()

    async def stop(self) -> None:
        """Stop Home Assistant in order, then the simulator; safe to repeat.

        A Home Assistant that is still starting is first let finish (see _CHILD_PRELUDE),
        so that whatever a start had done is saved and the next start goes on from there.
        """
        if self._hass is not None:
            hass, self._hass = self._hass, None
            await _stop_in_order(hass)
        if self._console is not None:
            self._console.close()
            self._console = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._simulator is not None:
            await self._simulator.stop()
            self._simulator = None

    async def restart_home_assistant(self) -> None:
        """Stop Home Assistant in order and start it again, as an update or a host reboot
        would; the simulator runs on and the user's token stays valid."""
        if self._hass is not None:
            hass, self._hass = self._hass, None
            await _stop_in_order(hass)
        self._start_hass()
        await self._wait_for_http()
        await self._wait_until_running()

    def kill(self) -> None:
        """Kill Home Assistant at once, as a power cut would (the tests of resuming use it)."""
        if self._hass is not None and self._hass.poll() is None:
            self._hass.kill()
            self._hass.wait(timeout=10)

    # The Shell Recharge API.

    async def shell_api(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None, body: Any = None
    ) -> Any:
        """Call the simulated Shell API as a partner app would (a token first); the answer."""
        basic = {"Authorization": aiohttp.encode_basic_auth(SHELL_CLIENT_ID, SHELL_CLIENT_SECRET)}
        form = {"grant_type": "client_credentials"}
        async with self._http().post(
            f"{self.shell_url}/v2/oauth/token", data=form, headers=basic
        ) as response:
            if response.status != 200:
                raise StackError(f"Shell token: HTTP {response.status}: {await response.text()}")
            access_token = (await response.json())["access_token"]
        headers = {"Authorization": f"Bearer {access_token}", "RequestId": str(uuid.uuid4())}
        async with self._http().request(
            method, f"{self.shell_url}{path}", params=params, json=body, headers=headers
        ) as response:
            if response.status not in (200, 202):
                text = await response.text()
                raise StackError(f"Shell {method} {path}: HTTP {response.status}: {text[:300]}")
            return await response.json()

    async def shell_active(self) -> list[str]:
        """The ids of the demo card's sessions that are not over, as the Shell API lists them."""
        answer = await self.shell_api(
            "GET", "/ev/v2/charge-session/active", params={"emaId": SHELL_CARD}
        )
        return [item["id"] for item in answer.get("data") or []]

    async def _start_public_session(self) -> str:
        """Start a session of the demo card at a public EVSE through the Shell API, as another
        app would; the operator answers at once for this one. Its id."""
        body = {"evChargeNumber": SHELL_CARD, "evseId": SHELL_EVSE}
        delay, self.shell.start_delay = self.shell.start_delay, 0.0
        try:
            answer = await self.shell_api("POST", "/ev/v2/charge-session/start", body=body)
            session_id: str = answer["data"][0]["sessionId"]
            session = self.shell.session(session_id)  # the operator's answer is due now
        finally:
            self.shell.start_delay = delay
        if session.state is not State.STARTED:
            raise StackError(f"the public Shell session did not start: {session}")
        return session_id

    # Home Assistant.

    def _start_hass(self) -> None:
        command = [
            sys.executable,
            "-c",
            _CHILD_PRELUDE,
            "-P",  # the config directory's custom_components, not the repository's
            "-m",
            "homeassistant",
            "--config",
            str(self.config_dir),
            "--skip-pip",
        ]
        if self.console is not None:
            self._console = self.console.open("ab")
        # Home Assistant as it runs anywhere: compiled bytecode is kept next to the sources.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self._hass = subprocess.Popen(
            command,
            cwd=self.config_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._console,
            stderr=subprocess.STDOUT if self._console is not None else None,
            start_new_session=True,  # Ctrl-C reaches us; we stop it in order
        )

    def _check_alive(self) -> None:
        if self._hass is not None and self._hass.poll() is not None:
            raise StackError(
                f"Home Assistant exited with {self._hass.returncode}; "
                f"see {self.config_dir / 'home-assistant.log'}"
            )

    async def _poll(self, what: str, timeout: float, probe: Callable[[], Any]) -> Any:
        """Call `probe` until it returns something truthy, or fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        last: BaseException | None = None
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                if result := await probe():
                    return result
            except (aiohttp.ClientError, TimeoutError) as err:
                last = err
            await asyncio.sleep(0.5)
        raise StackError(f"timed out after {timeout:.0f} s waiting for {what} ({last!r})")

    def _http(self) -> aiohttp.ClientSession:
        assert self._session is not None
        return self._session

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def _wait_for_http(self) -> None:
        async def probe() -> bool:
            # The server starts once the frontend is set up; manifest.json is the frontend's.
            async with self._http().get(f"{self.url}/manifest.json") as response:
                return response.status == 200

        await self._poll("Home Assistant to answer HTTP", START_TIMEOUT, probe)

    async def api(self, method: str, path: str, payload: Mapping[str, Any] | None = None) -> Any:
        """Call Home Assistant's REST API as the demo user; the JSON answer."""
        async with self._http().request(
            method, f"{self.url}{path}", json=payload, headers=self._auth()
        ) as response:
            body = await response.text()
            if response.status >= 400:
                raise StackError(f"{method} {path}: HTTP {response.status}: {body[:300]}")
            return json.loads(body) if body else None

    async def render(self, template: str) -> str:
        """Render a template in Home Assistant (e.g. to find a device id)."""
        url = f"{self.url}/api/template"
        payload = {"template": template}
        async with self._http().post(url, json=payload, headers=self._auth()) as response:
            body = await response.text()
            if response.status != 200:
                raise StackError(f"template: HTTP {response.status}: {body[:300]}")
            return body

    # Onboarding and login.

    async def _onboarding_steps(self) -> dict[str, bool]:
        """Which onboarding steps are done; empty once onboarding is over (then it is 404)."""
        async with self._http().get(f"{self.url}/api/onboarding") as response:
            if response.status == 200:
                return {step["step"]: step["done"] for step in await response.json()}
            return {}

    async def _onboard_user(self) -> None:
        """Make the demo user through onboarding, or log in when it is there; keep a token."""
        client_id = f"{self.url}/"
        steps = await self._onboarding_steps()
        if not steps.get("user", True):
            payload = {
                "client_id": client_id,
                "name": USER_NAME,
                "username": USERNAME,
                "password": PASSWORD,
                "language": "en",
            }
            async with self._http().post(f"{self.url}/api/onboarding/users", json=payload) as r:
                if r.status != 200:
                    raise StackError(f"onboarding user: HTTP {r.status}: {await r.text()}")
                code = (await r.json())["auth_code"]
        else:
            code = await self._login_code(client_id)
        self.token = await self._token(client_id, code)

    async def _onboard_rest(self) -> None:
        """The onboarding steps after the user's, as the demo user; then wait until running."""
        client_id = f"{self.url}/"
        steps = await self._onboarding_steps()
        if not steps.get("analytics", True):
            await self.api("POST", "/api/onboarding/analytics")
        if not steps.get("integration", True):
            await self.api(
                "POST",
                "/api/onboarding/integration",
                {"client_id": client_id, "redirect_uri": f"{client_id}?auth_callback=1"},
            )
        await self._wait_until_running()

    async def _ignore_foreign_issues(self) -> None:
        """Ignore the repairs about how the demo runs Home Assistant (FOREIGN_ISSUES).

        Home Assistant raises them when it has started (the onboarding step waited for
        that), and keeps them ignored on later starts.
        """
        for issue in await self.issues():
            key = (issue["domain"], issue["issue_id"])
            if key in FOREIGN_ISSUES and not issue["ignored"]:
                await self.ws(
                    {"type": "repairs/ignore_issue", "domain": key[0], "issue_id": key[1]}
                    | {"ignore": True}
                )

    async def issues(self) -> list[dict[str, Any]]:
        """The repairs Home Assistant lists (Settings → Repairs), ignored ones too."""
        (answer,) = await self.ws({"type": "repairs/list_issues"})
        found: list[dict[str, Any]] = answer["issues"]
        return found

    async def _login_code(self, client_id: str) -> str:
        """The login form, through the API the login page uses."""
        start = {
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{client_id}?auth_callback=1",
        }
        async with self._http().post(f"{self.url}/auth/login_flow", json=start) as response:
            flow_id = (await response.json())["flow_id"]
        form = {"client_id": client_id, "username": USERNAME, "password": PASSWORD}
        async with self._http().post(f"{self.url}/auth/login_flow/{flow_id}", json=form) as r:
            result = await r.json()
        if result.get("type") != "create_entry":
            raise StackError(f"cannot log in as {USERNAME!r}: {result.get('errors')}")
        code: str = result["result"]
        return code

    async def _token(self, client_id: str, code: str) -> str:
        form = {"grant_type": "authorization_code", "code": code, "client_id": client_id}
        async with self._http().post(f"{self.url}/auth/token", data=form) as response:
            if response.status != 200:
                raise StackError(f"token: HTTP {response.status}: {await response.text()}")
            token: str = (await response.json())["access_token"]
            return token

    async def _wait_until_running(self) -> None:
        async def probe() -> bool:
            return bool((await self.api("GET", "/api/config"))["state"] == "RUNNING")

        await self._poll("Home Assistant to finish starting", START_TIMEOUT, probe)

    # The config entry.

    async def entries(self) -> list[dict[str, Any]]:
        """Our config entries as the integrations page lists them."""
        found: list[dict[str, Any]] = await self.api(
            "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        return found

    async def card_entry(self) -> dict[str, Any] | None:
        """The Shell Recharge card's entry (only card entries have options), if there is one."""
        return next((entry for entry in await self.entries() if entry["supports_options"]), None)

    async def _ensure_account(self) -> None:
        """Add the simulator's account through the config flow, unless it is there."""
        if not any(not entry["supports_options"] for entry in await self.entries()):
            await self._add_account()

    async def _ensure_card(self) -> None:
        """Add the Shell card through the config flow, unless it is there; wait until both
        entries are loaded."""
        if not any(entry["supports_options"] for entry in await self.entries()):
            await self._add_card()

        async def loaded() -> bool:
            entries = await self.entries()
            states = {entry["state"] for entry in entries}
            if states & {"setup_error", "migration_error", "failed_unload"}:
                raise StackError(f"config entry failed: {entries}")
            return len(entries) >= 2 and states == {"loaded"}

        await self._poll("the entries to load", ENTRY_TIMEOUT, loaded)

    async def _add_account(self) -> None:
        flow = await self.api(
            "POST",
            "/api/config/config_entries/flow",
            {"handler": DOMAIN, "show_advanced_options": True},
        )
        if flow["type"] == "menu":  # once the flow offers more than one kind of entry
            options = list(flow["menu_options"])
            choice = next((o for o in options if "shell" not in o), options[0])
            flow = await self.api(
                "POST",
                f"/api/config/config_entries/flow/{flow['flow_id']}",
                {"next_step_id": choice},
            )
        answer = {"api_token": TOKEN, "advanced": {"server_url": self.server_url}}
        result = await self.api(
            "POST", f"/api/config/config_entries/flow/{flow['flow_id']}", answer
        )
        if result["type"] != "create_entry":
            raise StackError(f"the config flow did not create an entry: {result}")

    async def _add_card(self) -> None:
        """The menu's Shell Recharge option, and the card form with the simulator's URL."""
        flow = await self.api(
            "POST",
            "/api/config/config_entries/flow",
            {"handler": DOMAIN, "show_advanced_options": True},
        )
        if flow["type"] != "menu" or SHELL_MENU not in flow["menu_options"]:
            raise StackError(f"the config flow offers no Shell Recharge card: {flow}")
        path = f"/api/config/config_entries/flow/{flow['flow_id']}"
        form = await self.api("POST", path, {"next_step_id": SHELL_MENU})
        if form["type"] != "form":
            raise StackError(f"no Shell Recharge form: {form}")
        answer = {
            "client_id": SHELL_CLIENT_ID,
            "client_secret": SHELL_CLIENT_SECRET,
            "environment": "production",
            "ema_id": SHELL_CARD,
            "advanced": {"server_url": self.shell_url},
        }
        result = await self.api("POST", path, answer)
        if result["type"] != "create_entry":
            raise StackError(f"the config flow did not add the Shell card: {result}")

    async def _ensure_default_evse(self) -> None:
        """Set the card's default EVSE in its options flow, unless one is set; then wait until
        the card's start button can be pressed (it needs one)."""
        entry = await self.card_entry()
        if entry is None:
            raise StackError("there is no Shell Recharge card entry")
        flow = await self.api(
            "POST", "/api/config/config_entries/options/flow", {"handler": entry["entry_id"]}
        )
        path = f"/api/config/config_entries/options/flow/{flow['flow_id']}"
        fields = {field["name"]: field for field in flow.get("data_schema", [])}
        if "default_evse_id" not in fields:
            raise StackError(f"the card's options flow asks no default EVSE: {flow}")
        current = (fields["default_evse_id"].get("description") or {}).get("suggested_value")
        if current:
            await self.api("DELETE", path)  # keep what the user chose
        else:
            result = await self.api("POST", path, {"default_evse_id": SHELL_EVSE})
            if result["type"] != "create_entry":
                raise StackError(f"the options flow did not set the default EVSE: {result}")
        # The entry reloads after a change; its start button is available once it is back.
        start_button = (await self.card_entities())["start_session"]

        async def ready() -> bool:
            url = f"{self.url}/api/states/{start_button}"
            async with self._http().get(url, headers=self._auth()) as response:
                if response.status == 404:  # not there while the entry reloads
                    return False
                if response.status != 200:
                    raise StackError(f"{start_button}: HTTP {response.status}")
                return bool((await response.json())["state"] != "unavailable")

        await self._poll("the Shell card's start button", ENTRY_TIMEOUT, ready)

    async def card_entities(self) -> dict[str, str]:
        """The card's entity ids by key (session_status, stop_session, ...)."""
        entry = await self.card_entry()
        assert entry is not None
        (registry,) = await self.ws({"type": "config/entity_registry/list"})
        return {
            e["unique_id"].rpartition("_")[0]: e["entity_id"]
            for e in registry
            if e["config_entry_id"] == entry["entry_id"]
        }

    async def ws(self, *commands: Mapping[str, Any]) -> list[Any]:
        """Send commands over Home Assistant's websocket API, as the frontend does; results."""
        results: list[Any] = []
        async with self._http().ws_connect(f"{self.url}/api/websocket") as socket_:
            await socket_.receive_json()  # auth_required
            await socket_.send_json({"type": "auth", "access_token": self.token})
            if (reply := await socket_.receive_json())["type"] != "auth_ok":
                raise StackError(f"websocket auth: {reply}")
            for number, command in enumerate(commands, start=1):
                await socket_.send_json({"id": number, **command})
                while (reply := await socket_.receive_json()).get("id") != number:
                    pass
                if not reply.get("success"):
                    raise StackError(f"{command['type']}: {reply.get('error')}")
                results.append(reply["result"])
        return results

    async def devices(self) -> list[dict[str, Any]]:
        """Our devices in the device registry."""
        entry_ids = {entry["entry_id"] for entry in await self.entries()}
        (registry,) = await self.ws({"type": "config/device_registry/list"})
        return [d for d in registry if entry_ids & set(d["config_entries"])]

    async def _place_devices(self) -> None:
        """Give each charge point an area named after it, as a user would: the dashboard
        then shows them. Devices that already have an area keep it; the grid and the Shell
        card (a service, not a place) stay without one and show under Devices."""
        devices = [
            d
            for d in await self.devices()
            if d["area_id"] is None and d["serial_number"] and d["entry_type"] != "service"
        ]
        if not devices:
            return
        (areas,) = await self.ws({"type": "config/area_registry/list"})
        area_ids = {area["name"]: area["area_id"] for area in areas}
        for device in devices:
            name = device["name_by_user"] or device["name"]
            if name not in area_ids:
                (area,) = await self.ws({"type": "config/area_registry/create", "name": name})
                area_ids[name] = area["area_id"]
            await self.ws(
                {
                    "type": "config/device_registry/update",
                    "device_id": device["id"],
                    "area_id": area_ids[name],
                }
            )

    async def charge_point_entities(self) -> dict[str, dict[str, str]]:
        """The entity ids of each charge point (by EVSE id), by key."""
        (registry,) = await self.ws({"type": "config/entity_registry/list"})
        found: dict[str, dict[str, str]] = {}
        for evse_id in self.cloud.account(TOKEN).charge_points:
            found[evse_id] = {
                e["unique_id"].removesuffix(f"_{evse_id}"): e["entity_id"]
                for e in registry
                if e["platform"] == DOMAIN and e["unique_id"].endswith(f"_{evse_id}")
            }
        return found

    async def _set_up_dashboards(self) -> None:
        """A "Charging" dashboard (controls, power and energy per charge point) and the Energy
        dashboard with each charge point's lifetime energy as a device; unless already there."""
        (dashboards,) = await self.ws({"type": "lovelace/dashboards/list"})
        if not any(d["url_path"] == CHARGING_DASHBOARD for d in dashboards):
            await self.ws(
                {
                    "type": "lovelace/dashboards/create",
                    "url_path": CHARGING_DASHBOARD,
                    "title": "Charging",
                    "icon": "mdi:ev-station",
                    "mode": "storage",
                    "show_in_sidebar": True,
                    "require_admin": False,
                }
            )
            views = [charging_view(keys) for keys in (await self.charge_point_entities()).values()]
            await self.ws(
                {
                    "type": "lovelace/config/save",
                    "url_path": CHARGING_DASHBOARD,
                    "config": {"title": "Charging", "views": views},
                }
            )
        try:
            (prefs,) = await self.ws({"type": "energy/get_prefs"})
        except StackError:
            prefs = {}  # none saved yet
        devices = prefs.get("device_consumption", [])
        energy = [keys["lifetime_energy"] for keys in (await self.charge_point_entities()).values()]
        if {d["stat_consumption"] for d in devices} != set(energy):
            await self.ws(
                {
                    "type": "energy/save_prefs",
                    "device_consumption": [{"stat_consumption": e} for e in energy],
                }
            )


CHARGING_DASHBOARD = "dashboard-charging"


def charging_view(keys: Mapping[str, str]) -> dict[str, Any]:
    """One view per charge point: the controls as tiles, power and energy as graphs."""
    name = keys["charging"].split(".", 1)[1].removesuffix("_charging").replace("_", " ").title()
    return {
        "title": name,
        "path": name.lower().replace(" ", "-"),
        "cards": [
            {"type": "tile", "entity": keys["charging"]},
            {"type": "tile", "entity": keys["charging_state"]},
            {
                "type": "tile",
                "entity": keys["charging_current_limit"],
                "features": [{"type": "numeric-input", "style": "slider"}],
            },
            {
                "type": "tile",
                "entity": keys["smart_charging_profile"],
                "features": [{"type": "select-options"}],
            },
            {"type": "tile", "entity": keys["vehicle_connected"]},
            {
                "type": "history-graph",
                "title": "Power",
                "hours_to_show": 6,
                "entities": [keys["power"]],
            },
            {
                "type": "statistics-graph",
                "title": "Energy",
                "chart_type": "bar",
                "period": "hour",
                "stat_types": ["change"],
                "entities": [keys["lifetime_energy"]],
            },
        ],
    }


def _say(text: str) -> None:
    sys.stderr.write(f"develop: {text}\n")
    sys.stderr.flush()


async def _develop(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Ctrl-C, a kill, or the terminal closing: each stops Home Assistant in order.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(signum, stop.set)
    stack = DemoStack(args.config, port=args.port, sim_port=args.sim_port, tick=args.tick)
    try:
        starting = asyncio.create_task(stack.start())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            return
        stopping.cancel()
        starting.result()
        _say(f"Home Assistant: {stack.url}  (user {USERNAME!r}, password {PASSWORD!r})")
        _say(f"simulator: {stack.server_url}  (API token {TOKEN!r})")
        _say(
            f"Shell Recharge API: {stack.shell_url}  (client {SHELL_CLIENT_ID!r}, secret "
            f"{SHELL_CLIENT_SECRET!r}, card {SHELL_CARD}); Ctrl-C stops both"
        )
        await stop.wait()
    finally:
        _say("stopping")
        await stack.stop()


def main(argv: list[str] | None = None) -> None:
    """Run the demo until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m tests.e2e.stack", description=__doc__)
    parser.add_argument("--config", default=str(REPO / "config"))
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--sim-port", type=int, default=8765)
    parser.add_argument("--tick", type=float, default=5.0)
    args = parser.parse_args(argv)
    args.config = Path(args.config).resolve()
    try:
        asyncio.run(_develop(args))
    except StackError as err:
        _say(f"failed: {err}")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
