#!/bin/sh
# The main job on the demo center in examples/: the most complete thing
# plateau does today. Grows as modules land.
set -eu
cd "$(dirname "$0")/.."
./build/plateau version
