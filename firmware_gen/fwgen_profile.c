// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Text profile parser and image writer of snpu-fwgen.
 *
 * The parser is strict on purpose: every line is either blank, a comment,
 * a known "key = value" given once, or a "cost" line for a pair given
 * once; every problem is reported with its line. The writer lays the image
 * out as header, section table, profile, cost table, and refuses to return
 * an image that snpu_fw_parse() would reject.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwgen_profile.h"
#include "snpu_crc32.h"
#include "snpu_names.h"

#define FWGEN_LINE_MAX		512
#define FWGEN_MAX_TOKENS	8

static const char *fwgen_name(const char *name)
{
	return name ? name : "?";
}

const char *fwgen_op_name(unsigned int op)
{
	return fwgen_name(snpu_op_name(op));
}

const char *fwgen_enc_name(unsigned int enc)
{
	return fwgen_name(snpu_enc_name(enc));
}

const char *fwgen_nm_name(unsigned int nm)
{
	return fwgen_name(snpu_nm_name(nm));
}

const char *fwgen_block_name(unsigned int block)
{
	return fwgen_name(snpu_block_name(block));
}

const char *fwgen_feature_name(unsigned int bit)
{
	return fwgen_name(snpu_feature_name(bit));
}

enum fwgen_kind {
	FWGEN_NAME,
	FWGEN_VERSION,
	FWGEN_U32,		/* plain number, 1 .. 2^32-1 */
	FWGEN_SIZE32,		/* number with K/M/G suffix, 1 .. 2^32-1 */
	FWGEN_SIZE64,		/* number with K/M/G suffix, 1 .. 2^64-1 */
	FWGEN_MASK,		/* comma list of names, or "none" */
};

struct fwgen_key {
	const char *name;
	enum fwgen_kind kind;
	bool required;
	size_t offset;			/* in struct snpu_platform */
	const char *(*names)(u32 bit);	/* FWGEN_MASK: name of a bit */
};

#define FWGEN_FIELD(f)	offsetof(struct snpu_platform, f)

static const struct fwgen_key fwgen_keys[] = {
	{ "name", FWGEN_NAME, true, 0, NULL },
	{ "platform_id", FWGEN_U32, true, FWGEN_FIELD(platform_id), NULL },
	{ "fw_version", FWGEN_VERSION, true, 0, NULL },
	{ "mac_units", FWGEN_U32, true, FWGEN_FIELD(mac_units), NULL },
	{ "clock_khz", FWGEN_U32, true, FWGEN_FIELD(clock_khz), NULL },
	{ "sram_bytes", FWGEN_SIZE32, true, FWGEN_FIELD(sram_bytes), NULL },
	{ "dram_bytes", FWGEN_SIZE64, true, FWGEN_FIELD(dram_bytes), NULL },
	{ "dram_bytes_per_cycle", FWGEN_U32, true,
	  FWGEN_FIELD(dram_bytes_per_cycle), NULL },
	{ "ops", FWGEN_MASK, true, FWGEN_FIELD(ops), snpu_op_name },
	{ "encodings", FWGEN_MASK, true, FWGEN_FIELD(encodings),
	  snpu_enc_name },
	{ "nm_patterns", FWGEN_MASK, false, FWGEN_FIELD(nm_patterns),
	  snpu_nm_name },
	{ "block_shapes", FWGEN_MASK, false, FWGEN_FIELD(block_shapes),
	  snpu_block_name },
	{ "features", FWGEN_MASK, false, FWGEN_FIELD(features),
	  snpu_feature_name },
	{ "max_batch", FWGEN_U32, true, FWGEN_FIELD(max_batch), NULL },
};

#define FWGEN_NKEYS	ARRAY_SIZE(fwgen_keys)

/* Parser state: where each key and cost pair was first seen. */
struct fwgen_state {
	struct fwgen_profile *prof;
	struct fwgen_error *err;
	unsigned int line;
	unsigned int key_line[FWGEN_NKEYS];
	unsigned int cost_line[SNPU_OP_COUNT][SNPU_ENC_COUNT];
};

static int __attribute__((format(printf, 3, 4)))
fwgen_fail(struct fwgen_error *err, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* The bit whose name (by @names) is @s, or -1. */
static int fwgen_lookup(const char *(*names)(u32 bit), const char *s)
{
	const char *name;
	u32 i;

	for (i = 0; i < 32; i++) {
		name = names(i);
		if (name && !strcmp(name, s))
			return (int)i;
	}
	return -1;
}

/*
 * Parses a decimal or 0x-hex number, with an optional binary K/M/G (or
 * KiB/MiB/GiB) suffix when @suffix is set.
 */
static int fwgen_parse_u64(const char *s, bool suffix, u64 *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	if (suffix && *end) {
		switch (*end) {
		case 'K':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		default:
			return -1;
		}
		end++;
		if (!strcmp(end, "iB"))
			end += 2;
	}
	if (*end)
		return -1;
	if (shift && v > (~0ULL >> shift))
		return -1;
	*out = (u64)v << shift;
	return 0;
}

static int fwgen_parse_number(struct fwgen_state *st, const char *what,
			      const char *s, bool suffix, u64 max, u64 *out)
{
	if (fwgen_parse_u64(s, suffix, out))
		return fwgen_fail(st->err, st->line,
				  "%s: bad number '%s'%s", what, s,
				  suffix ? " (decimal or 0x hex, optional K/M/G suffix)" :
				  " (decimal or 0x hex)");
	if (*out < 1 || *out > max)
		return fwgen_fail(st->err, st->line,
				  "%s: %s out of range 1..%llu", what, s,
				  (unsigned long long)max);
	return 0;
}

static int fwgen_parse_version(struct fwgen_state *st, const char *s)
{
	unsigned int major, minor, patch;
	int n = 0;

	if (sscanf(s, "%5u.%3u.%3u%n", &major, &minor, &patch, &n) != 3 ||
	    s[n] || !isdigit((unsigned char)s[0]) || strchr(s, '+') ||
	    strchr(s, '-') || strchr(s, ' '))
		return fwgen_fail(st->err, st->line,
				  "fw_version: '%s' is not MAJOR.MINOR.PATCH",
				  s);
	if (major > 0xffff || minor > 0xff || patch > 0xff)
		return fwgen_fail(st->err, st->line,
				  "fw_version: '%s' out of range (major <= 65535, minor and patch <= 255)",
				  s);
	st->prof->fw_version = SNPU_FW_VERSION(major, minor, patch);
	return 0;
}

static int fwgen_parse_name(struct fwgen_state *st, const char *s)
{
	size_t len = strlen(s);
	size_t i;

	if (len < 1 || len >= SNPU_FW_NAME_LEN)
		return fwgen_fail(st->err, st->line,
				  "name: '%s' must be 1 to %d characters", s,
				  SNPU_FW_NAME_LEN - 1);
	for (i = 0; i < len; i++) {
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-')
			return fwgen_fail(st->err, st->line,
					  "name: '%s' may hold only a-z, 0-9, '_' and '-'",
					  s);
	}
	memset(st->prof->plat.name, 0, sizeof(st->prof->plat.name));
	memcpy(st->prof->plat.name, s, len);
	return 0;
}

static char *fwgen_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int fwgen_parse_mask(struct fwgen_state *st, const struct fwgen_key *k,
			    char *s, u32 *out)
{
	char *item, *save = NULL;
	int bit;

	*out = 0;
	if (!strcmp(s, "none"))
		return 0;
	/* strtok_r() would hide empty items ("a,,b", a trailing comma). */
	if (strstr(s, ",,") || s[0] == ',' || s[strlen(s) - 1] == ',')
		return fwgen_fail(st->err, st->line, "%s: empty list item",
				  k->name);
	for (item = strtok_r(s, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		item = fwgen_trim(item);
		if (!*item)
			return fwgen_fail(st->err, st->line,
					  "%s: empty list item", k->name);
		bit = fwgen_lookup(k->names, item);
		if (bit < 0) {
			char known[128] = "";
			u32 i;

			for (i = 0; k->names(i); i++) {
				strncat(known, i ? ", " : "",
					sizeof(known) - strlen(known) - 1);
				strncat(known, k->names(i),
					sizeof(known) - strlen(known) - 1);
			}
			return fwgen_fail(st->err, st->line,
					  "%s: unknown value '%s' (known: %s)",
					  k->name, item, known);
		}
		if (*out & (1u << bit))
			return fwgen_fail(st->err, st->line,
					  "%s: '%s' listed twice", k->name,
					  item);
		*out |= 1u << bit;
	}
	return 0;
}

static int fwgen_parse_assignment(struct fwgen_state *st, char *key,
				  char *value)
{
	struct snpu_platform *plat = &st->prof->plat;
	const struct fwgen_key *k = NULL;
	char copy[FWGEN_LINE_MAX];
	unsigned int i;
	u64 v;
	u32 mask;

	for (i = 0; i < FWGEN_NKEYS; i++) {
		if (!strcmp(fwgen_keys[i].name, key)) {
			k = &fwgen_keys[i];
			break;
		}
	}
	if (!k)
		return fwgen_fail(st->err, st->line, "unknown key '%s'", key);
	if (st->key_line[i])
		return fwgen_fail(st->err, st->line,
				  "%s given twice (first on line %u)", key,
				  st->key_line[i]);
	st->key_line[i] = st->line;
	if (!*value)
		return fwgen_fail(st->err, st->line, "%s: missing value", key);

	switch (k->kind) {
	case FWGEN_NAME:
		return fwgen_parse_name(st, value);
	case FWGEN_VERSION:
		return fwgen_parse_version(st, value);
	case FWGEN_U32:
	case FWGEN_SIZE32:
		if (fwgen_parse_number(st, key, value, k->kind == FWGEN_SIZE32,
				       0xffffffffu, &v))
			return -1;
		*(u32 *)((char *)plat + k->offset) = (u32)v;
		return 0;
	case FWGEN_SIZE64:
		if (fwgen_parse_number(st, key, value, true, ~0ULL, &v))
			return -1;
		*(u64 *)((char *)plat + k->offset) = v;
		return 0;
	case FWGEN_MASK:
		/* The mask parser cuts its input; keep the line readable. */
		snprintf(copy, sizeof(copy), "%s", value);
		if (fwgen_parse_mask(st, k, copy, &mask))
			return -1;
		*(u32 *)((char *)plat + k->offset) = mask;
		return 0;
	}
	return fwgen_fail(st->err, st->line, "internal error");
}

/* cost <op> <encoding> setup=<n> row=<n> eff=<n> */
static int fwgen_parse_cost(struct fwgen_state *st, char **tok, int ntok)
{
	static const char * const fields[] = { "setup", "row", "eff" };
	u64 vals[ARRAY_SIZE(fields)];
	bool seen[ARRAY_SIZE(fields)] = { false };
	struct snpu_cost *c;
	int op, enc, i, f;
	char *eq;

	if (ntok != 6)
		return fwgen_fail(st->err, st->line,
				  "cost: expected 'cost <op> <encoding> setup=<n> row=<n> eff=<n>'");
	op = fwgen_lookup(snpu_op_name, tok[1]);
	if (op < 0)
		return fwgen_fail(st->err, st->line, "cost: unknown op '%s'",
				  tok[1]);
	enc = fwgen_lookup(snpu_enc_name, tok[2]);
	if (enc < 0)
		return fwgen_fail(st->err, st->line,
				  "cost: unknown encoding '%s'", tok[2]);
	if (st->cost_line[op][enc])
		return fwgen_fail(st->err, st->line,
				  "cost %s %s given twice (first on line %u)",
				  tok[1], tok[2], st->cost_line[op][enc]);
	st->cost_line[op][enc] = st->line;

	for (i = 3; i < ntok; i++) {
		eq = strchr(tok[i], '=');
		if (!eq)
			return fwgen_fail(st->err, st->line,
					  "cost: '%s' is not name=value",
					  tok[i]);
		*eq = '\0';
		for (f = 0; f < (int)ARRAY_SIZE(fields) &&
			    strcmp(fields[f], tok[i]); f++)
			;
		if (f == (int)ARRAY_SIZE(fields))
			f = -1;
		if (f < 0)
			return fwgen_fail(st->err, st->line,
					  "cost: unknown field '%s' (setup, row, eff)",
					  tok[i]);
		if (seen[f])
			return fwgen_fail(st->err, st->line,
					  "cost: %s given twice", tok[i]);
		seen[f] = true;
		if (fwgen_parse_u64(eq + 1, false, &vals[f]))
			return fwgen_fail(st->err, st->line,
					  "cost: %s: bad number '%s'", tok[i],
					  eq + 1);
	}
	for (f = 0; f < (int)ARRAY_SIZE(fields); f++)
		if (!seen[f])
			return fwgen_fail(st->err, st->line,
					  "cost: missing %s=<n>", fields[f]);
	if (vals[0] > 0xffffffffu || vals[1] > 0xffffffffu)
		return fwgen_fail(st->err, st->line,
				  "cost: setup and row must fit in 32 bits");
	if (vals[2] < 1 || vals[2] > 256)
		return fwgen_fail(st->err, st->line,
				  "cost: eff=%llu out of range 1..256 (MACs per unit per cycle x 256)",
				  (unsigned long long)vals[2]);

	c = &st->prof->plat.cost[op][enc];
	c->present = true;
	c->setup_cycles = (u32)vals[0];
	c->row_cycles = (u32)vals[1];
	c->mac_eff_q8 = (u32)vals[2];
	return 0;
}

static int fwgen_parse_line(struct fwgen_state *st, char *line)
{
	char *tok[FWGEN_MAX_TOKENS];
	char *hash, *eq, *p, *save = NULL;
	int ntok = 0;

	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	line = fwgen_trim(line);
	if (!*line)
		return 0;

	if (!strncmp(line, "cost", 4) && isspace((unsigned char)line[4])) {
		for (p = strtok_r(line, " \t", &save); p;
		     p = strtok_r(NULL, " \t", &save)) {
			if (ntok == FWGEN_MAX_TOKENS)
				return fwgen_fail(st->err, st->line,
						  "cost: too many fields");
			tok[ntok++] = p;
		}
		return fwgen_parse_cost(st, tok, ntok);
	}

	eq = strchr(line, '=');
	if (!eq)
		return fwgen_fail(st->err, st->line,
				  "expected 'key = value' or a cost line");
	*eq = '\0';
	return fwgen_parse_assignment(st, fwgen_trim(line), fwgen_trim(eq + 1));
}

static bool fwgen_pair_supported(const struct snpu_platform *plat,
				 unsigned int op, unsigned int enc)
{
	if (!(plat->ops & (1u << op)) || !(plat->encodings & (1u << enc)))
		return false;
	return op == SNPU_OP_FC || op == SNPU_OP_CONV2D ||
	       enc == SNPU_ENC_DENSE;
}

static unsigned int fwgen_key_line(const struct fwgen_state *st,
				   const char *name)
{
	unsigned int i;

	for (i = 0; i < FWGEN_NKEYS; i++)
		if (!strcmp(fwgen_keys[i].name, name))
			return st->key_line[i];
	return 0;
}

/* Cross-field rules, reported at the line that breaks them. */
static int fwgen_check(struct fwgen_state *st)
{
	const struct snpu_platform *plat = &st->prof->plat;
	unsigned int op, enc, i;
	unsigned int line;

	for (i = 0; i < FWGEN_NKEYS; i++)
		if (fwgen_keys[i].required && !st->key_line[i])
			return fwgen_fail(st->err, 0, "missing key '%s'",
					  fwgen_keys[i].name);

	if (!(plat->ops & (1u << SNPU_OP_FC)))
		return fwgen_fail(st->err, fwgen_key_line(st, "ops"),
				  "ops: must include fc");
	if (!(plat->encodings & (1u << SNPU_ENC_DENSE)))
		return fwgen_fail(st->err, fwgen_key_line(st, "encodings"),
				  "encodings: must include dense");

	line = fwgen_key_line(st, "nm_patterns");
	if ((plat->encodings & (1u << SNPU_ENC_NM)) && !plat->nm_patterns)
		return fwgen_fail(st->err, line ? line :
				  fwgen_key_line(st, "encodings"),
				  "encodings include nm: nm_patterns must list at least one pattern");
	if (!(plat->encodings & (1u << SNPU_ENC_NM)) && plat->nm_patterns)
		return fwgen_fail(st->err, line,
				  "nm_patterns given but encodings do not include nm");

	line = fwgen_key_line(st, "block_shapes");
	if ((plat->encodings & (1u << SNPU_ENC_BLOCK)) && !plat->block_shapes)
		return fwgen_fail(st->err, line ? line :
				  fwgen_key_line(st, "encodings"),
				  "encodings include block: block_shapes must list at least one shape");
	if (!(plat->encodings & (1u << SNPU_ENC_BLOCK)) && plat->block_shapes)
		return fwgen_fail(st->err, line,
				  "block_shapes given but encodings do not include block");

	for (op = 0; op < SNPU_OP_COUNT; op++) {
		for (enc = 0; enc < SNPU_ENC_COUNT; enc++) {
			bool want = fwgen_pair_supported(plat, op, enc);

			if (!want && st->cost_line[op][enc])
				return fwgen_fail(st->err,
						  st->cost_line[op][enc],
						  "cost %s %s: %s", fwgen_op_name(op),
						  fwgen_enc_name(enc),
						  !(plat->ops & (1u << op)) ?
						  "op not in ops" :
						  !(plat->encodings & (1u << enc)) ?
						  "encoding not in encodings" :
						  "op has no weights: only dense");
			if (want && !st->cost_line[op][enc])
				return fwgen_fail(st->err, 0,
						  "missing line 'cost %s %s setup=<n> row=<n> eff=<n>'",
						  fwgen_op_name(op), fwgen_enc_name(enc));
		}
	}
	return 0;
}

int fwgen_profile_parse(const char *text, size_t len,
			struct fwgen_profile *prof, struct fwgen_error *err)
{
	struct fwgen_state st;
	char line[FWGEN_LINE_MAX];
	size_t pos = 0, n;
	const char *nl;

	memset(prof, 0, sizeof(*prof));
	memset(err, 0, sizeof(*err));
	memset(&st, 0, sizeof(st));
	st.prof = prof;
	st.err = err;

	while (pos < len) {
		st.line++;
		nl = memchr(text + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		if (n >= sizeof(line))
			return fwgen_fail(err, st.line,
					  "line longer than %zu characters",
					  sizeof(line) - 1);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (strlen(line) != n)
			return fwgen_fail(err, st.line, "NUL byte in text");
		pos += n + (nl ? 1 : 0);
		if (fwgen_parse_line(&st, line))
			return -1;
	}
	return fwgen_check(&st);
}

static bool fwgen_platform_equal(const struct snpu_platform *a,
				 const struct snpu_platform *b)
{
	unsigned int op, enc;

	if (memcmp(a->name, b->name, sizeof(a->name)) ||
	    a->platform_id != b->platform_id ||
	    a->mac_units != b->mac_units || a->clock_khz != b->clock_khz ||
	    a->sram_bytes != b->sram_bytes || a->dram_bytes != b->dram_bytes ||
	    a->dram_bytes_per_cycle != b->dram_bytes_per_cycle ||
	    a->ops != b->ops || a->encodings != b->encodings ||
	    a->nm_patterns != b->nm_patterns ||
	    a->block_shapes != b->block_shapes ||
	    a->features != b->features || a->max_batch != b->max_batch)
		return false;
	for (op = 0; op < SNPU_OP_COUNT; op++) {
		for (enc = 0; enc < SNPU_ENC_COUNT; enc++) {
			const struct snpu_cost *x = &a->cost[op][enc];
			const struct snpu_cost *y = &b->cost[op][enc];

			if (x->present != y->present ||
			    (x->present &&
			     (x->setup_cycles != y->setup_cycles ||
			      x->row_cycles != y->row_cycles ||
			      x->mac_eff_q8 != y->mac_eff_q8)))
				return false;
		}
	}
	return true;
}

#define FWGEN_PUT(bits, base, type, field, v) \
	snpu_put_le##bits((base) + offsetof(struct type, field), (v))

int fwgen_image_build(const struct fwgen_profile *prof, u8 **image,
		      size_t *size, struct fwgen_error *err)
{
	const struct snpu_platform *plat = &prof->plat;
	const size_t hdr = sizeof(struct snpu_fw_header);
	const size_t table = hdr;
	const size_t prof_off = table + 2 * sizeof(struct snpu_fw_section);
	const size_t cost_off = prof_off + sizeof(struct snpu_fw_profile);
	struct snpu_fw_info info;
	unsigned int op, enc, n = 0;
	size_t total;
	u8 *img, *p;
	int ret;

	for (op = 0; op < SNPU_OP_COUNT; op++)
		for (enc = 0; enc < SNPU_ENC_COUNT; enc++)
			n += plat->cost[op][enc].present;
	total = cost_off + n * sizeof(struct snpu_fw_cost);
	img = calloc(1, total);
	if (!img)
		return fwgen_fail(err, 0, "out of memory");

	FWGEN_PUT(32, img, snpu_fw_header, magic, SNPU_FW_MAGIC);
	FWGEN_PUT(16, img, snpu_fw_header, format_major, SNPU_FW_FORMAT_MAJOR);
	FWGEN_PUT(16, img, snpu_fw_header, format_minor, SNPU_FW_FORMAT_MINOR);
	FWGEN_PUT(32, img, snpu_fw_header, image_size, (u32)total);
	FWGEN_PUT(32, img, snpu_fw_header, header_size, (u32)hdr);
	FWGEN_PUT(32, img, snpu_fw_header, section_count, 2);
	FWGEN_PUT(32, img, snpu_fw_header, section_offset, (u32)table);
	FWGEN_PUT(32, img, snpu_fw_header, fw_version, prof->fw_version);

	p = img + table;
	FWGEN_PUT(32, p, snpu_fw_section, type, SNPU_FW_SECTION_PROFILE);
	FWGEN_PUT(32, p, snpu_fw_section, offset, (u32)prof_off);
	FWGEN_PUT(32, p, snpu_fw_section, size, sizeof(struct snpu_fw_profile));
	p += sizeof(struct snpu_fw_section);
	FWGEN_PUT(32, p, snpu_fw_section, type, SNPU_FW_SECTION_COST_TABLE);
	FWGEN_PUT(32, p, snpu_fw_section, offset, (u32)cost_off);
	FWGEN_PUT(32, p, snpu_fw_section, size,
		  (u32)(n * sizeof(struct snpu_fw_cost)));

	p = img + prof_off;
	memcpy(p + offsetof(struct snpu_fw_profile, name), plat->name,
	       SNPU_FW_NAME_LEN);
	FWGEN_PUT(32, p, snpu_fw_profile, platform_id, plat->platform_id);
	FWGEN_PUT(32, p, snpu_fw_profile, mac_units, plat->mac_units);
	FWGEN_PUT(32, p, snpu_fw_profile, clock_khz, plat->clock_khz);
	FWGEN_PUT(32, p, snpu_fw_profile, sram_bytes, plat->sram_bytes);
	FWGEN_PUT(64, p, snpu_fw_profile, dram_bytes, plat->dram_bytes);
	FWGEN_PUT(32, p, snpu_fw_profile, dram_bytes_per_cycle,
		  plat->dram_bytes_per_cycle);
	FWGEN_PUT(32, p, snpu_fw_profile, ops, plat->ops);
	FWGEN_PUT(32, p, snpu_fw_profile, encodings, plat->encodings);
	FWGEN_PUT(32, p, snpu_fw_profile, nm_patterns, plat->nm_patterns);
	FWGEN_PUT(32, p, snpu_fw_profile, block_shapes, plat->block_shapes);
	FWGEN_PUT(32, p, snpu_fw_profile, features, plat->features);
	FWGEN_PUT(32, p, snpu_fw_profile, max_batch, plat->max_batch);

	p = img + cost_off;
	for (op = 0; op < SNPU_OP_COUNT; op++) {
		for (enc = 0; enc < SNPU_ENC_COUNT; enc++) {
			const struct snpu_cost *c = &plat->cost[op][enc];

			if (!c->present)
				continue;
			FWGEN_PUT(16, p, snpu_fw_cost, op, (u16)op);
			FWGEN_PUT(16, p, snpu_fw_cost, encoding, (u16)enc);
			FWGEN_PUT(32, p, snpu_fw_cost, setup_cycles,
				  c->setup_cycles);
			FWGEN_PUT(32, p, snpu_fw_cost, row_cycles,
				  c->row_cycles);
			FWGEN_PUT(32, p, snpu_fw_cost, mac_eff_q8,
				  c->mac_eff_q8);
			p += sizeof(struct snpu_fw_cost);
		}
	}

	FWGEN_PUT(32, img, snpu_fw_header, crc32,
		  snpu_crc32(0, img + SNPU_FW_CRC_START,
			     total - SNPU_FW_CRC_START));

	/* Never hand out an image the driver would refuse. */
	ret = snpu_fw_parse(img, total, &info);
	if (ret) {
		free(img);
		return fwgen_fail(err, 0, "generated image rejected: %s",
				  snpu_fw_strerror(ret));
	}
	if (!fwgen_platform_equal(&info.platform, plat) ||
	    info.fw_version != prof->fw_version) {
		free(img);
		return fwgen_fail(err, 0,
				  "generated image does not parse back to the profile");
	}
	*image = img;
	*size = total;
	return 0;
}
