"""Run the simulated Blue Current cloud until Ctrl-C or SIGTERM.

python -m simulator --port 8765 --token TOKEN --charge-points 3
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from .bluecurrent import BlueCurrentCloud, LimitSignal, populate
from .server import Simulator


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
    args = parser.parse_args(argv)
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


async def serve(args: argparse.Namespace) -> None:
    """Serve until a stop signal arrives."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    simulator = Simulator(bluecurrent=build_cloud(args))
    await simulator.start(args.host, args.port)
    sys.stdout.write(f"Blue Current simulator: {simulator.bluecurrent_url}\n")
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
