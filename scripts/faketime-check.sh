#!/usr/bin/env bash
# The suite must not depend on the date: run the tests that handle certificates and signing times (test/sign,
# test/compose) with the clock moved far into the future (Debian faketime, installed by scripts/ensure-tools.sh).
# The monotonic clock is left alone so that timers and time-outs behave.
set -euo pipefail
cd "$(dirname "$0")/.."
export FAKETIME_DONT_FAKE_MONOTONIC=1
faketime '2031-06-01 12:00:00' npx vitest run test/sign test/compose
