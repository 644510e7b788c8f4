/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The one way the pruner library fills a caller's message buffer: every
 * function that can fail takes (char *err, size_t err_size) and says
 * there, in one sentence naming the node, layer or file, what is wrong.
 *
 * Copyright (c) 2026 The snpu authors
 */
#ifndef SNPU_ERR_H
#define SNPU_ERR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* printf into @err (at most @err_size bytes); nothing when @err is NULL. */
static inline void __attribute__((format(printf, 3, 4)))
snpu_errf(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_size)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
}

#endif /* SNPU_ERR_H */
