# Mutation testing of the grading and scoring code (mutmut 3, the `mutation` extra).
#
#   make mutation                      every group below, one after the other (slow: about an
#                                      hour on 2 cores; see docs/mutation.md for the last figures)
#   make mutation MUTATION_GROUPS=crs  one group (crs bounds icans sledai response criteria)
#   make mutation-report               the survivors and the score of each group already run
#
# Each group mutates one module and runs only the fast tests of that module (mutmut then picks,
# for each mutant, the tests that reach the mutated function). A group runs in its own scratch
# copy of astct_grading/ and tests/ under $(MUTATION_DIR) with a generated setup.cfg, so the work tree is
# never touched and the project's pyproject.toml needs no [tool.mutmut] table. Read a surviving
# mutant with: cd $(MUTATION_DIR)/GROUP && ../../$(BIN)/mutmut show NAME

PYTHON ?= python3
VENV ?= .venv
BIN ?= $(VENV)/bin
MUTATION_DIR ?= build/mutation
MUTATION_ALL_GROUPS := crs bounds icans sledai response criteria
MUTATION_GROUPS ?= $(MUTATION_ALL_GROUPS)
MUTATION_JOBS ?= 2
MUTATION_STAMP := $(VENV)/.mutation-stamp
MUTATION_KILLS := tests/test_mutation_kills_snapshots.py::test_results_are_unchanged

# Per group: the module(s) mutated, then the test files that exercise them. The tests written to
# kill survivors (tests/test_mutation_kills_snapshots.py, for every group, and
# tests/test_mutation_kills_<group>*.py) are added automatically.
MUTATE_crs := astct_grading/crs/grading.py
CORPORA_crs := crs
CORPORA_bounds := crs icans
CORPORA_icans := ice capd icans
CORPORA_sledai := sledai
CORPORA_response := change sri4 doris lldas
CORPORA_criteria := crs ice capd icans sledai sri4 doris lldas
TESTS_crs := tests/test_crs.py tests/test_crs_properties.py tests/test_crs_fastpath.py
MUTATE_bounds := astct_grading/core/bounds.py
TESTS_bounds := tests/test_bounds_results.py tests/test_crs.py tests/test_crs_properties.py \
	tests/test_crs_fastpath.py
MUTATE_icans := astct_grading/icans/grading.py
TESTS_icans := tests/test_icans.py tests/test_icans_properties.py tests/test_icans_fastpath.py
MUTATE_sledai := astct_grading/sle/sledai.py
TESTS_sledai := tests/test_sledai.py tests/test_sledai_properties.py
MUTATE_response := astct_grading/sle/response.py
TESTS_response := tests/test_sle_response.py tests/test_sle_response_properties.py \
	tests/test_sle_response_pga.py
MUTATE_criteria := astct_grading/criteria/*
TESTS_criteria := tests/test_crs.py tests/test_icans.py tests/test_sledai.py \
	tests/test_sle_response.py

.PHONY: mutation mutation-report $(addprefix mutation-,$(MUTATION_ALL_GROUPS))

$(MUTATION_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,mutation]'
	touch $(MUTATION_STAMP)

mutation: $(addprefix mutation-,$(MUTATION_GROUPS))
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) mutation-report \
		MUTATION_GROUPS="$(MUTATION_GROUPS)"

# One scratch copy per group: astct_grading/, tests/, docs/ (some tests read it), pyproject.toml and a
# generated setup.cfg.
$(addprefix mutation-,$(MUTATION_ALL_GROUPS)): mutation-%: $(MUTATION_STAMP)
	rm -rf $(MUTATION_DIR)/$*
	mkdir -p $(MUTATION_DIR)/$*
	cp -r astct_grading tests docs pyproject.toml README.md $(MUTATION_DIR)/$*/
	printf '%s\n' '[mutmut]' 'source_paths = astct_grading' 'also_copy =' '    docs' '    README.md' \
		'only_mutate =' $(patsubst %,'    %',$(MUTATE_$*)) \
		'pytest_add_cli_args_test_selection =' \
		$(patsubst %,'    %',$(TESTS_$*) $(foreach c,$(CORPORA_$*),$(MUTATION_KILLS)[$(c)]) $(wildcard tests/test_mutation_kills_$*.py)) \
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
