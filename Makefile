.PHONY: setup check demo bench
setup:
	bash .ci/setup
check:
	bash .ci/check
demo: setup
	.venv/bin/orderdesk-tray --demo
bench:
	for b in bench/bench_*.py; do .venv/bin/python $$b || exit 1; done
