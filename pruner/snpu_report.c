// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Pruning reports: table, JSON and SVG (see snpu_report.h).
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "snpu_report.h"

void snpu_report_init(struct snpu_report *r)
{
	memset(r, 0, sizeof(*r));
	r->dense_fp32_accuracy = -1;
	r->int8_accuracy = -1;
	r->pruned_fp32_accuracy = -1;
	r->pruned_int8_accuracy = -1;
	r->device_accuracy = -1;
	r->device_matches = -1;
	r->max_drop = -1;
}

void snpu_report_release(struct snpu_report *r)
{
	free(r->layers);
	free(r->points);
	free(r->cycles);
	r->layers = NULL;
	r->points = NULL;
	r->cycles = NULL;
	r->n_layers = 0;
	r->n_points = 0;
	r->n_cycles = 0;
}

int snpu_report_add_cycles(struct snpu_report *r,
			   const struct snpu_report_cycles *c)
{
	void *p = realloc(r->cycles, (r->n_cycles + 1) * sizeof(*r->cycles));

	if (!p)
		return -ENOMEM;
	r->cycles = p;
	r->cycles[r->n_cycles++] = *c;
	return 0;
}

int snpu_report_add_layer(struct snpu_report *r,
			  const struct snpu_report_layer *l)
{
	void *p = realloc(r->layers, (r->n_layers + 1) * sizeof(*r->layers));

	if (!p)
		return -ENOMEM;
	r->layers = p;
	r->layers[r->n_layers++] = *l;
	return 0;
}

int snpu_report_add_point(struct snpu_report *r, const char *series,
			  double sparsity, double accuracy)
{
	struct snpu_report_point *pt;
	void *p = realloc(r->points, (r->n_points + 1) * sizeof(*r->points));

	if (!p)
		return -ENOMEM;
	r->points = p;
	pt = &r->points[r->n_points++];
	snprintf(pt->series, sizeof(pt->series), "%s", series);
	pt->sparsity = sparsity;
	pt->accuracy = accuracy;
	return 0;
}

void snpu_report_totals(const struct snpu_report *r,
			struct snpu_report_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (uint32_t i = 0; i < r->n_layers; i++) {
		const struct snpu_report_layer *l = &r->layers[i];

		t->weights += l->weights;
		t->nonzero += l->nonzero;
		t->fp32_bytes += l->fp32_bytes;
		t->value_bytes += l->value_bytes;
		t->index_bytes += l->index_bytes;
		t->param_bytes += l->param_bytes;
	}
	t->sparsity = t->weights ? 1.0 - (double)t->nonzero / t->weights : 0;
	t->packed_bytes = r->total_bytes;
	t->compression = t->packed_bytes ?
			 (double)t->fp32_bytes / t->packed_bytes : 0;
}

static void snpu_report_pct(FILE *f, const char *label, double v)
{
	if (v < 0)
		fprintf(f, "  %-28s %s\n", label, "not measured");
	else
		fprintf(f, "  %-28s %6.2f %%\n", label, 100 * v);
}

void snpu_report_print(const struct snpu_report *r, FILE *f)
{
	struct snpu_report_totals t;

	snpu_report_totals(r, &t);
	fprintf(f, "model: %s\nmethod: %s\n\n", r->model, r->method);
	fprintf(f, "%-16s %-6s %11s %7s %-11s %9s %9s %9s %8s\n", "layer",
		"op", "shape", "sparse", "encoding", "fp32 B", "values B",
		"index B", "params B");
	for (uint32_t i = 0; i < r->n_layers; i++) {
		const struct snpu_report_layer *l = &r->layers[i];
		char shape[32];

		snprintf(shape, sizeof(shape), "%ux%u", l->rows, l->k);
		fprintf(f, "%-16.16s %-6s %11s %6.1f%% %-11s %9llu %9llu %9llu %8llu\n",
			l->name, l->op, shape,
			l->weights ? 100.0 * (1.0 - (double)l->nonzero /
					      l->weights) : 0.0,
			l->encoding, (unsigned long long)l->fp32_bytes,
			(unsigned long long)l->value_bytes,
			(unsigned long long)l->index_bytes,
			(unsigned long long)l->param_bytes);
	}
	fprintf(f, "%-16s %-6s %11s %6.1f%% %-11s %9llu %9llu %9llu %8llu\n",
		"total", "", "", 100 * t.sparsity, "",
		(unsigned long long)t.fp32_bytes,
		(unsigned long long)t.value_bytes,
		(unsigned long long)t.index_bytes,
		(unsigned long long)t.param_bytes);
	fprintf(f, "\npacked file %llu bytes (headers and tables included); fp32 weights %llu bytes; compression %.1fx\n",
		(unsigned long long)t.packed_bytes,
		(unsigned long long)t.fp32_bytes, t.compression);
	for (uint32_t i = 0; i < r->n_layers; i++)
		fprintf(f, "  %s: %s\n", r->layers[i].name, r->layers[i].why);
	fprintf(f, "\naccuracy on %u test images:\n", r->test_images);
	snpu_report_pct(f, "dense fp32", r->dense_fp32_accuracy);
	snpu_report_pct(f, "dense int8", r->int8_accuracy);
	snpu_report_pct(f, "pruned fp32", r->pruned_fp32_accuracy);
	snpu_report_pct(f, "pruned int8 (packed, host)", r->pruned_int8_accuracy);
	snpu_report_pct(f, "pruned int8 on the device", r->device_accuracy);
	if (r->device_matches >= 0)
		fprintf(f, "  device output equals the int8 reference on %lld of %u images\n",
			(long long)r->device_matches, r->test_images);
	if (r->target[0] && r->pruned_cycles > 0)
		fprintf(f, "\non %s (cost model, batch 1): dense %.0f cycles, pruned %.0f cycles per inference: %.2fx\n",
			r->target, r->dense_cycles, r->pruned_cycles,
			r->dense_cycles / r->pruned_cycles);
	if (r->n_cycles)
		fprintf(f, "\n%-3s %-8s %-11s %12s %12s %7s\n", "#", "op",
			"encoding", "predicted", "engine", "diff");
	for (uint32_t i = 0; i < r->n_cycles; i++) {
		const struct snpu_report_cycles *c = &r->cycles[i];

		fprintf(f, "%-3u %-8s %-11s %12.1f %12.1f %6.2f%%\n", i, c->op,
			c->encoding, c->predicted, c->measured,
			c->measured > 0 ? 100.0 * (c->predicted - c->measured) /
			c->measured : 0.0);
	}
	if (r->plan[0])
		fprintf(f, "\nplan: %s\n", r->plan);
}

void snpu_report_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void snpu_json_num(FILE *f, const char *key, double v, bool last)
{
	fprintf(f, "  \"%s\": ", key);
	if (v < 0 || !isfinite(v))
		fputs("null", f);
	else
		fprintf(f, "%.6f", v);
	fputs(last ? "\n" : ",\n", f);
}

int snpu_report_write_json(const struct snpu_report *r, FILE *f)
{
	struct snpu_report_totals t;

	snpu_report_totals(r, &t);
	fputs("{\n  \"model\": ", f);
	snpu_report_json_str(f, r->model);
	fputs(",\n  \"method\": ", f);
	snpu_report_json_str(f, r->method);
	fprintf(f, ",\n  \"test_images\": %u,\n", r->test_images);
	snpu_json_num(f, "dense_fp32_accuracy", r->dense_fp32_accuracy, false);
	snpu_json_num(f, "int8_accuracy", r->int8_accuracy, false);
	snpu_json_num(f, "pruned_fp32_accuracy", r->pruned_fp32_accuracy,
		      false);
	snpu_json_num(f, "pruned_int8_accuracy", r->pruned_int8_accuracy,
		      false);
	snpu_json_num(f, "device_accuracy", r->device_accuracy, false);
	if (r->device_matches >= 0)
		fprintf(f, "  \"device_matches_reference\": %lld,\n",
			(long long)r->device_matches);
	else
		fputs("  \"device_matches_reference\": null,\n", f);
	snpu_json_num(f, "sparsity", t.sparsity, false);
	fprintf(f, "  \"weights\": %llu,\n  \"nonzero_weights\": %llu,\n",
		(unsigned long long)t.weights, (unsigned long long)t.nonzero);
	fprintf(f, "  \"fp32_bytes\": %llu,\n  \"packed_bytes\": %llu,\n",
		(unsigned long long)t.fp32_bytes,
		(unsigned long long)t.packed_bytes);
	fprintf(f, "  \"value_bytes\": %llu,\n  \"index_bytes\": %llu,\n  \"param_bytes\": %llu,\n",
		(unsigned long long)t.value_bytes,
		(unsigned long long)t.index_bytes,
		(unsigned long long)t.param_bytes);
	snpu_json_num(f, "compression", t.compression, false);
	fputs("  \"target\": ", f);
	if (r->target[0])
		snpu_report_json_str(f, r->target);
	else
		fputs("null", f);
	fputs(",\n", f);
	snpu_json_num(f, "dense_cycles", r->dense_cycles > 0 ?
		      r->dense_cycles : -1, false);
	snpu_json_num(f, "pruned_cycles", r->pruned_cycles > 0 ?
		      r->pruned_cycles : -1, false);
	snpu_json_num(f, "seconds", r->seconds, false);
	if (r->plan[0]) {
		fputs("  \"plan\": {\"verdict\": ", f);
		snpu_report_json_str(f, r->plan);
		fprintf(f, ", \"latency_budget\": %llu, \"size_budget\": %llu, \"max_accuracy_drop\": ",
			(unsigned long long)r->latency_budget,
			(unsigned long long)r->size_budget);
		if (r->max_drop >= 0)
			fprintf(f, "%.6f", r->max_drop);
		else
			fputs("null", f);
		fprintf(f, ", \"estimated_drop\": %.6f, \"predicted_cycles\": %.1f},\n",
			r->plan_drop, r->predicted_cycles);
	} else {
		fputs("  \"plan\": null,\n", f);
	}
	fputs("  \"layer_cycles\": [", f);
	for (uint32_t i = 0; i < r->n_cycles; i++) {
		const struct snpu_report_cycles *c = &r->cycles[i];

		fputs(i ? ",\n    {\"op\": " : "\n    {\"op\": ", f);
		snpu_report_json_str(f, c->op);
		fputs(", \"encoding\": ", f);
		snpu_report_json_str(f, c->encoding);
		fprintf(f, ", \"predicted\": %.3f, \"measured\": %.3f}",
			c->predicted, c->measured);
	}
	fputs(r->n_cycles ? "\n  ],\n" : "],\n", f);
	fputs("  \"layers\": [", f);
	for (uint32_t i = 0; i < r->n_layers; i++) {
		const struct snpu_report_layer *l = &r->layers[i];

		fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
		snpu_report_json_str(f, l->name);
		fputs(", \"op\": ", f);
		snpu_report_json_str(f, l->op);
		fprintf(f, ", \"shape\": [%u, %u], \"weights\": %llu, \"nonzero\": %llu, \"sparsity\": %.6f, \"encoding\": ",
			l->rows, l->k, (unsigned long long)l->weights,
			(unsigned long long)l->nonzero,
			l->weights ? 1.0 - (double)l->nonzero / l->weights : 0);
		snpu_report_json_str(f, l->encoding);
		fputs(", \"why\": ", f);
		snpu_report_json_str(f, l->why);
		fprintf(f, ", \"fp32_bytes\": %llu, \"value_bytes\": %llu, \"index_bytes\": %llu, \"param_bytes\": %llu}",
			(unsigned long long)l->fp32_bytes,
			(unsigned long long)l->value_bytes,
			(unsigned long long)l->index_bytes,
			(unsigned long long)l->param_bytes);
	}
	fputs(r->n_layers ? "\n  ],\n  \"curve\": [" : "],\n  \"curve\": [", f);
	for (uint32_t i = 0; i < r->n_points; i++) {
		fputs(i ? ",\n    {\"series\": " : "\n    {\"series\": ", f);
		snpu_report_json_str(f, r->points[i].series);
		fprintf(f, ", \"sparsity\": %.6f, \"accuracy\": %.6f}",
			r->points[i].sparsity, r->points[i].accuracy);
	}
	fputs(r->n_points ? "\n  ]\n}\n" : "]\n}\n", f);
	return ferror(f) ? -EIO : 0;
}

/* Plot area in SVG user units. */
#define SNPU_SVG_W	640
#define SNPU_SVG_H	420
#define SNPU_SVG_L	70
#define SNPU_SVG_R	170
#define SNPU_SVG_T	40
#define SNPU_SVG_B	60

static const char *const snpu_svg_colors[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
};

static void snpu_svg_text(FILE *f, double x, double y, const char *anchor,
			  const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y,
		anchor);
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else
			fputc(*s, f);
	}
	fputs("</text>\n", f);
}

int snpu_report_write_svg(const struct snpu_report *r, const char *title,
			  FILE *f)
{
	const double pw = SNPU_SVG_W - SNPU_SVG_L - SNPU_SVG_R;
	const double ph = SNPU_SVG_H - SNPU_SVG_T - SNPU_SVG_B;
	double lo = 1, hi = 0;
	char label[32];
	int series = 0;

	/* y range: the accuracies rounded out to 5 points, at least 10 wide */
	for (uint32_t i = 0; i < r->n_points; i++) {
		lo = fmin(lo, r->points[i].accuracy);
		hi = fmax(hi, r->points[i].accuracy);
	}
	if (lo > hi) {
		lo = 0;
		hi = 1;
	}
	lo = floor(lo * 20) / 20;
	hi = ceil(hi * 20) / 20;
	if (hi - lo < 0.1)
		lo = fmax(0, hi - 0.1);
	if (hi <= lo)
		hi = lo + 0.1;

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		SNPU_SVG_W, SNPU_SVG_H, SNPU_SVG_W, SNPU_SVG_H);
	fputs("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n", f);
	snpu_svg_text(f, SNPU_SVG_W / 2.0, 22, "middle", title);
	for (int i = 0; i <= 10; i++) {
		double x = SNPU_SVG_L + pw * i / 10;
		double y = SNPU_SVG_T + ph * i / 10;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			x, SNPU_SVG_T, x, SNPU_SVG_T + ph);
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			SNPU_SVG_L, y, SNPU_SVG_L + pw, y);
		snprintf(label, sizeof(label), "%d%%", i * 10);
		snpu_svg_text(f, x, SNPU_SVG_T + ph + 18, "middle", label);
		snprintf(label, sizeof(label), "%.1f%%",
			 100 * (hi - (hi - lo) * i / 10));
		snpu_svg_text(f, SNPU_SVG_L - 6, y + 4, "end", label);
	}
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"black\"/>\n",
		SNPU_SVG_L, SNPU_SVG_T, pw, ph);
	snpu_svg_text(f, SNPU_SVG_L + pw / 2, SNPU_SVG_H - 18, "middle",
		      "weight sparsity");
	fprintf(f, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.1f)\">top-1 accuracy</text>\n",
		SNPU_SVG_T + ph / 2, SNPU_SVG_T + ph / 2);

	for (uint32_t i = 0; i < r->n_points; i++) {
		const char *name = r->points[i].series;
		const char *color;
		bool seen = false;
		uint32_t j;

		for (j = 0; j < i && !seen; j++)
			seen = !strcmp(r->points[j].series, name);
		if (seen)
			continue;
		color = snpu_svg_colors[series %
			(sizeof(snpu_svg_colors) / sizeof(snpu_svg_colors[0]))];
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
			color);
		for (j = i; j < r->n_points; j++)
			if (!strcmp(r->points[j].series, name))
				fprintf(f, "%.1f,%.1f ",
					SNPU_SVG_L + pw * r->points[j].sparsity,
					SNPU_SVG_T + ph * (hi - r->points[j].accuracy) /
					(hi - lo));
		fputs("\"/>\n", f);
		for (j = i; j < r->n_points; j++)
			if (!strcmp(r->points[j].series, name))
				fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
					SNPU_SVG_L + pw * r->points[j].sparsity,
					SNPU_SVG_T + ph * (hi - r->points[j].accuracy) /
					(hi - lo), color);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n",
			SNPU_SVG_L + pw + 12, SNPU_SVG_T + 10 + 18 * series,
			SNPU_SVG_L + pw + 32, SNPU_SVG_T + 10 + 18 * series,
			color);
		snpu_svg_text(f, SNPU_SVG_L + pw + 38,
			      SNPU_SVG_T + 14 + 18 * series, "start", name);
		series++;
	}
	fputs("</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}
