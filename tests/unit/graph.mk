# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# cmocka tests of the pruner's graph IR and reports (ASan/UBSan).

GRAPH_UNIT_TESTS := $(UNIT_DIR)/test_snpu_graph $(UNIT_DIR)/test_snpu_report

$(UNIT_DIR)/test_snpu_graph: tests/unit/test_snpu_graph.c $(EXEC_SRCS) \
		$(PRUNER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(PRUNER_CFLAGS) $(SAN_CFLAGS) $(CMOCKA_CFLAGS) -o $@ \
		tests/unit/test_snpu_graph.c $(EXEC_SRCS) $(CMOCKA_LIBS) \
		$(PRUNER_LIBS)

$(UNIT_DIR)/test_snpu_report: tests/unit/test_snpu_report.c \
		pruner/snpu_report.c pruner/snpu_report.h
	@mkdir -p $(@D)
	$(CC) $(PRUNER_CFLAGS) $(SAN_CFLAGS) $(CMOCKA_CFLAGS) -o $@ \
		tests/unit/test_snpu_report.c pruner/snpu_report.c \
		$(CMOCKA_LIBS) -lm

.PHONY: check-graph
check-graph: $(GRAPH_UNIT_TESTS)
	@fail=0; for t in $(GRAPH_UNIT_TESTS); do \
		echo "== $$t"; $$t || { echo "FAILED: $$t" >&2; fail=1; }; \
	done; exit $$fail

CHECK_HOST += check-graph
