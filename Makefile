.PHONY: setup check demo bench
setup:
	bash .ci/setup
check:
	bash .ci/check
demo: setup
	.venv/bin/orderdesk-tray --demo
bench:  # each prints its numbers and exits non-zero when one misses its target (~8 min)
	for b in bench/bench_*.py; do xvfb-run -a .venv/bin/python $$b || exit 1; done
