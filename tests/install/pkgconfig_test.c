// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * An application of the installed libaccel, as a user builds it: with
 * nothing but `pkg-config --cflags --libs libaccel` (check-install.sh
 * points pkg-config into a DESTDIR tree and runs it with LD_LIBRARY_PATH
 * there).
 *
 * The library found at run time must be the one the header describes:
 * accel_version() and accel_version_hex() equal ACCEL_VERSION_*. Without
 * the module (the host), enumeration gives 0 devices or an error whose
 * accel_strerror() text is a sentence; never a crash.
 *
 * Exit status: 0 ok, 1 a mismatch (printed).
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <accel.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	struct accel_device_info *list = NULL;
	char want[32];
	const char *msg;
	int n;

	snprintf(want, sizeof(want), "%d.%d.%d", ACCEL_VERSION_MAJOR,
		 ACCEL_VERSION_MINOR, ACCEL_VERSION_PATCH);
	printf("accel_version %s (header %s, hex 0x%06x)\n", accel_version(),
	       want, accel_version_hex());
	if (strcmp(accel_version(), want) != 0 ||
	    accel_version_hex() != ACCEL_VERSION_HEX) {
		fprintf(stderr, "pkgconfig_test: library %s is not header %s\n",
			accel_version(), want);
		return 1;
	}

	n = accel_devices_get(&list);
	if (n >= 0) {
		printf("accel_devices_get: %d device(s)\n", n);
		for (int i = 0; i < n; i++)
			printf("  %s %s%s\n", list[i].node, list[i].platform,
			       list[i].emulated ? " (emulated)" : "");
		accel_devices_free(list);
		return 0;
	}
	msg = accel_strerror(n);
	printf("accel_devices_get: %d: %s\n", n, msg);
	if (!msg || strlen(msg) < 10) {
		fprintf(stderr, "pkgconfig_test: error %d has no message\n", n);
		return 1;
	}
	return 0;
}
