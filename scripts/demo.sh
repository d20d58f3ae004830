#!/bin/sh
# The main job on the demo center in examples/: the most complete thing
# plateau does today. Grows as modules land.
set -eu
cd "$(dirname "$0")/.."
./build/plateau version

# Planning: forecast the Casablanca sample history two weeks ahead (with
# each method's error on the last weeks held out), then plan hires and
# training classes for a year of 20 % growth.
mkdir -p build/demo
./build/plateau forecast --history examples/history-casablanca.csv \
	--weeks 2 --holdout 2 --svg build/demo/forecast.svg \
	>build/demo/forecast.txt
head -24 build/demo/forecast.txt
./build/plateau forecast --history examples/history-casablanca.csv \
	--weeks 2 --holdout 2 --format csv >build/demo/forecast.csv
echo "(forecast: build/demo/forecast.csv, chart build/demo/forecast.svg)"
./build/plateau plan --positions 400 --growth 0.20 --attrition 0.04 \
	--training-weeks 6 --pass-rate 0.7 --class-min 10 --class-max 25 \
	--horizon-weeks 52 --start 2026-12-07 --svg build/demo/plan.svg |
	tail -5
echo "(plan chart: build/demo/plan.svg)"

# Routing measured before it goes live: a day (a Monday) of the demo
# center (examples/demo.json) simulated through the routing engine with
# examples/demo-traffic.csv; per queue, the agents Erlang C/A says its
# traffic needs stand next to what the simulation delivered (SL, ASA,
# abandons, agents busy on it), then per site and tenant. After it, the
# same engine on one queue against Erlang C (plateau staff says SL 0.888
# for 14 agents at 10 Erlangs).
echo
./build/plateau simulate --config examples/demo.json \
	--traffic examples/demo-traffic.csv --days 1 --seed 1
echo
./build/plateau simulate --agents 14 --calls 100 --interval 1800 --aht 180 \
	--target-time 20 --hours 200 --seed 1

# The live server: plateau serve on the demo center, sipp agents and
# callers on loopback, the call records read back from the store.
./scripts/serve_demo.sh
