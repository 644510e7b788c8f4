# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The pruner's fp32 reference executor (pruner/snpu_exec.c) and shape
# inference (pruner/snpu_shape.c): cmocka tests under ASan and UBSan.
#
#   make check-exec     every op's forward against naive loops, shape
#                       errors, finite-difference gradient checks

EXEC_UNIT_TESTS := $(UNIT_DIR)/test_snpu_exec

$(UNIT_DIR)/test_snpu_exec: tests/unit/test_snpu_exec.c $(EXEC_SRCS) \
		pruner/snpu_graph.h pruner/snpu_exec.h
	@mkdir -p $(@D)
	$(CC) $(PRUNER_CFLAGS) $(SAN_CFLAGS) $(CMOCKA_CFLAGS) -o $@ \
		tests/unit/test_snpu_exec.c $(EXEC_SRCS) $(CMOCKA_LIBS) \
		$(PRUNER_LIBS)

.PHONY: check-exec
check-exec: $(EXEC_UNIT_TESTS)
	@fail=0; for t in $(EXEC_UNIT_TESTS); do \
		echo "== $$t"; \
		$$t || { echo "FAILED: $$t" >&2; fail=1; }; \
	done; \
	if [ $$fail -ne 0 ]; then echo "check-exec: FAILED" >&2; exit 1; fi; \
	echo "check-exec: all passed"

CHECK_HOST += check-exec
