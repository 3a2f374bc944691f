"""Side-by-side benchmarks: our blue_current next to Home Assistant's own, on one simulator.

`python -m bench` runs every scenario for both integrations, each in its own Home Assistant
process, fed by the same simulated cloud, and writes bench/README.md (table and chart).
"""
