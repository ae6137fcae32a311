# Mutation testing of the grading and scoring code (mutmut 3, the `mutation` extra).
#
#   make mutation                      every group below, one after the other (slow: about an
#                                      hour on 2 cores; see docs/mutation.md for the last figures)
#   make mutation MUTATION_GROUPS=crs  one group (core crs icans sle criteria)
#   make mutation-report               the survivors and the score of each group already run
#
# Each group mutates one package and runs only the fast tests of that package and the golden
# boundary corpora (mutmut then picks, for each mutant, the tests that reach the mutated
# function). A group runs in its own scratch copy of astct_grading/ and tests/ under
# $(MUTATION_DIR) with a generated setup.cfg, so the work tree is never touched and the project's
# pyproject.toml needs no [tool.mutmut] table. Read a surviving mutant with:
# cd $(MUTATION_DIR)/GROUP && ../../$(BIN)/mutmut show NAME

PYTHON ?= python3
VENV ?= .venv
BIN ?= $(VENV)/bin
MUTATION_DIR ?= build/mutation
MUTATION_ALL_GROUPS := core crs icans sle criteria
MUTATION_GROUPS ?= $(MUTATION_ALL_GROUPS)
MUTATION_JOBS ?= 2
MUTATION_STAMP := $(VENV)/.mutation-stamp
MUTATION_GOLDEN := tests/golden/test_golden.py::test_every_frozen_answer_is_unchanged

# Per group: the modules mutated, the boundary corpora of the golden tests that pin every part of
# a result (tests/golden/), and the specification, property and equivalence tests of the scale.
MUTATE_core := astct_grading/core/bounds.py astct_grading/core/results.py \
	astct_grading/core/quick_json.py
CORPORA_core := crs ice capd icans crs_counted ice_domains capd_points
TESTS_core := tests/properties/test_bounds*.py tests/properties/test_results*.py \
	tests/spec/test_results*.py tests/equivalence/test_quick_json.py
MUTATE_crs := astct_grading/crs/*
CORPORA_crs := crs crs_counted
# The table path's tests (tests/frame/) are left out of every group: they grade through the
# per-record functions too, slowly, and test the table path, not the rules.
TESTS_crs := $(filter-out tests/frame/%,$(wildcard tests/*/test_crs*.py \
	tests/*/test_vasopressor_count.py tests/*/test_organ_toxicity.py))
MUTATE_icans := astct_grading/icans/*
CORPORA_icans := ice capd icans ice_domains capd_points
TESTS_icans := $(filter-out tests/frame/%,$(wildcard tests/*/test_icans*.py tests/*/test_ice*.py \
	tests/*/test_capd*.py))
MUTATE_sle := astct_grading/sle/*
CORPORA_sle := sledai sledai_change sri4 doris lldas
TESTS_sle := $(filter-out tests/frame/%,$(wildcard tests/*/test_sledai*.py \
	tests/*/test_response*.py tests/*/test_sri4*.py tests/*/test_doris*.py tests/*/test_lldas*.py))
MUTATE_criteria := astct_grading/criteria/*
CORPORA_criteria := crs ice capd icans sledai sri4 doris lldas crs_counted ice_domains capd_points
TESTS_criteria := $(wildcard tests/spec/test_*.py)

.PHONY: mutation mutation-report $(addprefix mutation-,$(MUTATION_ALL_GROUPS))

$(MUTATION_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,mutation]'
	touch $(MUTATION_STAMP)

mutation: $(addprefix mutation-,$(MUTATION_GROUPS))
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) mutation-report \
		MUTATION_GROUPS="$(MUTATION_GROUPS)"

# One scratch copy per group: astct_grading/, tests/, docs/ and scripts/ (some tests read them),
# pyproject.toml and a generated setup.cfg.
$(addprefix mutation-,$(MUTATION_ALL_GROUPS)): mutation-%: $(MUTATION_STAMP)
	rm -rf $(MUTATION_DIR)/$*
	mkdir -p $(MUTATION_DIR)/$*
	cp -r astct_grading tests docs scripts pyproject.toml README.md $(MUTATION_DIR)/$*/
	printf '%s\n' '[mutmut]' 'source_paths = astct_grading' 'also_copy =' '    docs' '    scripts' '    README.md' \
		'only_mutate =' $(patsubst %,'    %',$(MUTATE_$*)) \
		'pytest_add_cli_args_test_selection =' \
		$(patsubst %,'    %',$(wildcard $(TESTS_$*)) $(foreach c,$(CORPORA_$*),$(MUTATION_GOLDEN)[$(c)_boundary])) \
		'pytest_add_cli_args =' '    -p' '    no:cacheprovider' '    -q' \
		> $(MUTATION_DIR)/$*/setup.cfg
	cd $(MUTATION_DIR)/$* && $(abspath $(BIN))/mutmut run --max-children $(MUTATION_JOBS) \
		> run.log 2>&1 || (tail -n 30 run.log; exit 1)
	cd $(MUTATION_DIR)/$* && $(abspath $(BIN))/mutmut export-cicd-stats > /dev/null
	@echo "mutation $*: `cat $(MUTATION_DIR)/$*/mutants/mutmut-cicd-stats.json | tr -d ' \n'`"

mutation-report:
	@for group in $(MUTATION_GROUPS); do \
		stats=$(MUTATION_DIR)/$$group/mutants/mutmut-cicd-stats.json; \
		if [ -f $$stats ]; then \
			echo "== $$group: `tr -d ' \n' < $$stats`"; \
			(cd $(MUTATION_DIR)/$$group && $(abspath $(BIN))/mutmut results); \
		else echo "== $$group: not run"; fi; \
	done
