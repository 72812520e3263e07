# Shortcuts for people who have make; dev.py does the work (and needs only Python 3.11+).
PYTHON ?= python3

.PHONY: run test

run:
	$(PYTHON) dev.py run

# make test ARGS="-k healthz -x"
test:
	$(PYTHON) dev.py test $(ARGS)
