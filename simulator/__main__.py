"""Run the simulated Blue Current cloud and Shell Recharge API until Ctrl-C or SIGTERM.

python -m simulator --port 8765 --token TOKEN --charge-points 3
The Shell API answers on the same port, under http://HOST:PORT/ with the real paths.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from .bluecurrent import BlueCurrentCloud, LimitSignal, populate
from .server import Simulator
from .shell import ShellCloud

DEMO_SHELL_CARD = "NL-TNM-C00122045-K"
DEMO_SHELL_EVSES = ("NL*TNM*E00000001*1", "NL*TNM*E00000002*1")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line options."""
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--token", default="demo-token", help="the API token to accept")
    parser.add_argument("--customer-id", default="", help="default: derived from the token")
    parser.add_argument("--email", default="user@example.com")
    parser.add_argument("--charge-points", type=int, default=2)
    parser.add_argument("--cards", type=int, default=2)
    parser.add_argument("--grids", type=int, default=1, help="split the charge points over N grids")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tick", type=float, default=5.0, help="seconds per tick; 0 = no ticks")
    parser.add_argument("--request-budget", type=int, default=None, help="requests per day")
    parser.add_argument(
        "--limit-signal", choices=[s.value for s in LimitSignal], default=LimitSignal.CLOSE.value
    )
    parser.add_argument(
        "--reject-second-connection", action="store_true", help='refuse: "Already connected"'
    )
    parser.add_argument("--arrivals", action="store_true", help="cars come and go by themselves")
    shell = parser.add_argument_group("Shell Recharge API")
    shell.add_argument("--shell-client-id", default="demo-client")
    shell.add_argument("--shell-client-secret", default="demo-secret")
    shell.add_argument(
        "--shell-card", action="append", default=None, help="EMA-ID of a card (repeatable)"
    )
    shell.add_argument(
        "--shell-evse", action="append", default=None, help="a public EVSE id (repeatable)"
    )
    args = parser.parse_args(argv)
    args.shell_card = args.shell_card or [DEMO_SHELL_CARD]
    args.shell_evse = args.shell_evse or list(DEMO_SHELL_EVSES)
    if args.charge_points < 1 or not 1 <= args.grids <= args.charge_points:
        parser.error("need at least one charge point and 1 <= grids <= charge points")
    return args


def build_cloud(args: argparse.Namespace) -> BlueCurrentCloud:
    """The cloud the options describe."""
    cloud = BlueCurrentCloud(
        seed=args.seed,
        tick_interval=args.tick or None,
        request_budget=args.request_budget,
        limit_signal=LimitSignal(args.limit_signal),
        reject_second_connection=args.reject_second_connection,
        arrivals=args.arrivals,
    )
    populate(
        cloud,
        api_token=args.token,
        customer_id=args.customer_id,
        email=args.email,
        charge_points=args.charge_points,
        cards=args.cards,
        grids=args.grids,
        seed=args.seed,
    )
    return cloud


def build_shell_cloud(args: argparse.Namespace) -> ShellCloud:
    """The Shell Recharge API the options describe."""
    return ShellCloud(
        client_id=args.shell_client_id,
        client_secret=args.shell_client_secret,
        cards=args.shell_card,
        evse_ids=args.shell_evse,
        seed=args.seed,
    )


async def serve(args: argparse.Namespace) -> None:
    """Serve until a stop signal arrives."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    simulator = Simulator(bluecurrent=build_cloud(args), extra=[build_shell_cloud(args)])
    await simulator.start(args.host, args.port)
    sys.stdout.write(f"Blue Current simulator: {simulator.bluecurrent_url}\n")
    sys.stdout.write(f"Shell Recharge simulator: {simulator.base_url}\n")
    sys.stdout.flush()
    try:
        await stop.wait()
    finally:
        await simulator.stop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
