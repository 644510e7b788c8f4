// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * ONNX import and export; see snpu_onnx.h.
 *
 * Import runs in passes over the unpacked ModelProto so that every name
 * is known before a node refers to it: the initializers are indexed
 * (sorted, for lookups and duplicate detection) and classified by use
 * (an initializer read only as a Clip bound becomes an attribute, not a
 * tensor); then tensors are created for initializers, graph inputs and
 * node outputs; declared shapes are applied; and last the nodes are
 * added with their attributes. Node outputs exist before any node is
 * added, so a node reading a later node's output (a cycle, or a file that
 * is not topologically sorted) is left for snpu_graph_check() to report.
 *
 * Export builds the ModelProto out of memory it tracks in one list
 * (struct snpu_onnx_exp), packs it with protobuf-c and frees the list;
 * names and shapes point into the graph, which packing only reads.
 *
 * Copyright (c) 2026 The snpu authors
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snpu_err.h"
#include "onnx.pb-c.h"
#include "snpu_compat.h"
#include "snpu_graph.h"
#include "snpu_onnx.h"

/*
 * Element count above which a tensor is refused before any arithmetic on
 * its size: far beyond any model we prune, and small enough that numel
 * times 8 cannot overflow.
 */
#define SNPU_ONNX_MAX_NUMEL	(INT64_C(1) << 40)
/* Values an ints attribute may have (pads of a 8-D op). */
#define SNPU_ONNX_MAX_INTS	(2 * SNPU_GRAPH_MAX_DIMS)

/* How a node reads an initializer (struct snpu_onnx_imp.init_use). */
#define SNPU_ONNX_USE_TENSOR	1u	/* as a tensor input */
#define SNPU_ONNX_USE_BOUND	2u	/* as a Clip min / max (opset >= 11) */

/* Shorter names for the generated enums used most. */
#define SNPU_ONNX_FLOAT		ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT
#define SNPU_ONNX_INT64		ONNX__TENSOR_PROTO__DATA_TYPE__INT64
#define SNPU_ONNX_DIM_VALUE \
	ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE
#define SNPU_ONNX_DIM_PARAM \
	ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM
#define SNPU_ONNX_DIM_UNSET \
	ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE__NOT_SET

/* auto_pad values as parsed; 0 to 2 are struct snpu_gattr's. */
#define SNPU_ONNX_PAD_VALID	3


static const char *snpu_onnx_s(const char *s)
{
	return s ? s : "";
}

static const char *snpu_onnx_type_name(int32_t type)
{
	static const char *const names[] = {
		"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16",
		"INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE",
		"UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
	};

	if (type >= 0 && (size_t)type < ARRAY_SIZE(names))
		return names[type];
	return "an unknown data type";
}

/* Read a whole file into a malloc()ed buffer. */
static int snpu_onnx_read_all(const char *path, uint8_t **buf, size_t *size,
			      char *err, size_t n)
{
	size_t len = 0, cap = 0;
	uint8_t *b = NULL, *nb;
	struct stat st;
	ssize_t got;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snpu_errf(err, n, "%s: cannot open: %s", path,
			      strerror(-ret));
		return ret;
	}
	/* The size is a hint: the loop below reads to end of file. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < SIZE_MAX - 1)
		cap = (size_t)st.st_size + 1;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			nb = cap > len ? realloc(b, cap) : NULL;
			if (!nb) {
				ret = -ENOMEM;
				snpu_errf(err, n, "%s: out of memory", path);
				goto fail;
			}
			b = nb;
		} else if (!b) {
			b = malloc(cap);
			if (!b) {
				ret = -ENOMEM;
				snpu_errf(err, n, "%s: out of memory", path);
				goto fail;
			}
		}
		got = read(fd, b + len, cap - len);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			snpu_errf(err, n, "%s: read failed: %s", path,
				      strerror(-ret));
			goto fail;
		}
		if (!got)
			break;
		len += (size_t)got;
	}
	close(fd);
	*buf = b;
	*size = len;
	return 0;
fail:
	free(b);
	close(fd);
	return ret;
}

/*
 * Decode a TensorProto's shape and values into a malloc()ed array (numel
 * floats or int64, at least one byte). @what names the tensor in
 * messages ("initializer 'w'").
 */
static int snpu_onnx_tensor_decode(const Onnx__TensorProto *t,
				   const char *what, enum snpu_dtype *dtype,
				   uint32_t *ndim, int64_t *dims, void **data,
				   char *err, size_t n)
{
	int64_t numel = 1, i;
	const uint8_t *raw;
	size_t esize, k;
	uint8_t *out;

	if (t->segment) {
		snpu_errf(err, n, "%s is segmented, which is not supported",
			      what);
		return -EOPNOTSUPP;
	}
	if ((t->has_data_location &&
	     t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) ||
	    t->n_external_data) {
		snpu_errf(err, n,
			      "%s uses external data, which is not supported; store it inline",
			      what);
		return -EOPNOTSUPP;
	}
	if (!t->has_data_type) {
		snpu_errf(err, n, "%s has no data type", what);
		return -EINVAL;
	}
	switch (t->data_type) {
	case SNPU_ONNX_FLOAT:
		*dtype = SNPU_DT_FLOAT;
		esize = 4;
		break;
	case SNPU_ONNX_INT64:
		*dtype = SNPU_DT_INT64;
		esize = 8;
		break;
	default:
		snpu_errf(err, n,
			      "%s has data type %s (%d); only FLOAT (and INT64 for Reshape shapes) is supported",
			      what, snpu_onnx_type_name(t->data_type),
			      (int)t->data_type);
		return -EOPNOTSUPP;
	}
	if (t->n_dims > SNPU_GRAPH_MAX_DIMS) {
		snpu_errf(err, n, "%s has rank %zu; at most %d is supported",
			      what, t->n_dims, SNPU_GRAPH_MAX_DIMS);
		return -EOPNOTSUPP;
	}
	for (k = 0; k < t->n_dims; k++) {
		if (t->dims[k] < 0 || t->dims[k] > SNPU_ONNX_MAX_NUMEL) {
			snpu_errf(err, n, "%s has extent %lld in dimension %zu",
				      what, (long long)t->dims[k], k);
			return -EINVAL;
		}
		dims[k] = t->dims[k];
		if (t->dims[k] && numel > SNPU_ONNX_MAX_NUMEL / t->dims[k]) {
			snpu_errf(err, n, "%s has too many elements", what);
			return -EINVAL;
		}
		numel *= t->dims[k];
	}
	*ndim = (uint32_t)t->n_dims;

	if (t->has_raw_data) {
		if (t->raw_data.len != (size_t)numel * esize) {
			snpu_errf(err, n,
				      "%s has %zu bytes of raw_data for %lld elements of %zu bytes",
				      what, t->raw_data.len, (long long)numel,
				      esize);
			return -EINVAL;
		}
	} else if (*dtype == SNPU_DT_FLOAT ? t->n_float_data != (size_t)numel :
		   t->n_int64_data != (size_t)numel) {
		snpu_errf(err, n, "%s has %zu values for %lld elements",
			      what, *dtype == SNPU_DT_FLOAT ? t->n_float_data :
			      t->n_int64_data, (long long)numel);
		return -EINVAL;
	}

	out = malloc(numel ? (size_t)numel * esize : 1);
	if (!out) {
		snpu_errf(err, n, "%s: out of memory", what);
		return -ENOMEM;
	}
	raw = t->raw_data.data;
	for (i = 0; i < numel; i++) {
		if (*dtype == SNPU_DT_FLOAT) {
			uint32_t v = t->has_raw_data ?
				snpu_get_le32(raw + 4 * i) : 0;
			float f;

			if (t->has_raw_data)
				memcpy(&f, &v, 4);
			else
				f = t->float_data[i];
			((float *)out)[i] = f;
		} else if (t->has_raw_data) {
			((int64_t *)out)[i] =
				(int64_t)snpu_get_le64(raw + 8 * i);
		} else {
			((int64_t *)out)[i] = t->int64_data[i];
		}
	}
	*data = out;
	return 0;
}

/* ---- import ----------------------------------------------------------- */

/* An initializer by name (sorted for bsearch). */
struct snpu_onnx_name {
	const char *name;
	uint32_t idx;
};

/* Raw spatial attributes of a Conv or pool, before the rank is known. */
struct snpu_onnx_spatial {
	int64_t kernel[SNPU_ONNX_MAX_INTS], strides[SNPU_ONNX_MAX_INTS];
	int64_t dilations[SNPU_ONNX_MAX_INTS], pads[SNPU_ONNX_MAX_INTS];
	size_t n_kernel, n_strides, n_dilations, n_pads;
	bool has_kernel, has_strides, has_dilations, has_pads;
	int auto_pad;
	int64_t storage_order;
};

/* Import state; the node fields name the node being added in messages. */
struct snpu_onnx_imp {
	const Onnx__GraphProto *gp;
	struct snpu_graph *g;
	int64_t opset;
	struct snpu_onnx_name *inits;
	uint8_t *init_use;
	/* Per tensor made before the nodes: its rank is declared. */
	bool *rank_known;
	uint32_t n_known;
	uint32_t node_idx;
	const Onnx__NodeProto *node;
	char *err;
	size_t n;
};

static int snpu_onnx_nerr(struct snpu_onnx_imp *imp, int ret,
			  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An error about the current node: "node 3 'conv1' (Conv): ...". */
static int snpu_onnx_nerr(struct snpu_onnx_imp *imp, int ret,
			  const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snpu_errf(imp->err, imp->n, "node %u '%s' (%s): %s",
		      imp->node_idx, snpu_onnx_s(imp->node->name),
		      snpu_onnx_s(imp->node->op_type), msg);
	return ret;
}

static int snpu_onnx_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct snpu_onnx_name *)a)->name,
		      ((const struct snpu_onnx_name *)b)->name);
}

/* Index in gp->initializer of the initializer called @name, or -1. */
static long snpu_onnx_init_find(const struct snpu_onnx_imp *imp,
				const char *name)
{
	struct snpu_onnx_name key = { .name = name }, *hit;

	if (!imp->gp->n_initializer)
		return -1;
	hit = bsearch(&key, imp->inits, imp->gp->n_initializer,
		      sizeof(*imp->inits), snpu_onnx_name_cmp);
	return hit ? (long)hit->idx : -1;
}

static bool snpu_onnx_default_domain(const char *domain)
{
	return !domain || !*domain || !strcmp(domain, "ai.onnx");
}

/* True when input @pos of @nd is a Clip bound (an attribute for us). */
static bool snpu_onnx_is_bound(const struct snpu_onnx_imp *imp,
			       const Onnx__NodeProto *nd, size_t pos)
{
	return pos >= 1 && imp->opset >= 11 &&
	       snpu_onnx_default_domain(nd->domain) &&
	       !strcmp(snpu_onnx_s(nd->op_type), "Clip");
}

/* Rank of tensor @t when declared or constant, else -1. */
static int snpu_onnx_rank(const struct snpu_onnx_imp *imp, uint32_t t)
{
	if (t == SNPU_GRAPH_NONE || t >= imp->n_known || !imp->rank_known[t])
		return -1;
	return (int)imp->g->tensors[t].ndim;
}

static int snpu_onnx_opset(const Onnx__ModelProto *m, int64_t *opset,
			   char *err, size_t n)
{
	bool found = false;
	size_t i;

	for (i = 0; i < m->n_opset_import; i++) {
		const Onnx__OperatorSetIdProto *os = m->opset_import[i];

		if (!snpu_onnx_default_domain(os->domain))
			continue;
		if (!found || os->version > *opset)
			*opset = os->version;
		found = true;
	}
	if (!found && m->n_opset_import) {
		snpu_errf(err, n,
			      "model imports only domain '%s'; ops of the default ONNX domain are supported",
			      snpu_onnx_s(m->opset_import[0]->domain));
		return -EOPNOTSUPP;
	}
	if (!found) {
		snpu_errf(err, n, "model has no opset_import");
		return -EINVAL;
	}
	if (*opset < 1) {
		snpu_errf(err, n, "model imports opset %lld",
			      (long long)*opset);
		return -EINVAL;
	}
	if (*opset > SNPU_ONNX_MAX_OPSET) {
		snpu_errf(err, n,
			      "model uses opset %lld; this importer knows opsets 1 to %d",
			      (long long)*opset, SNPU_ONNX_MAX_OPSET);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Element type, rank and extents declared by a ValueInfoProto.
 * *has_shape is false when the type carries no shape (unknown rank).
 */
static int snpu_onnx_vi_decode(const Onnx__ValueInfoProto *vi,
			       const char *what, int32_t *elem, uint32_t *ndim,
			       int64_t *dims, bool *has_shape, char *err,
			       size_t n)
{
	const Onnx__TypeProto__Tensor *tt;
	const Onnx__TensorShapeProto *sh;
	size_t k;

	*has_shape = false;
	*ndim = 0;
	if (!vi->type) {
		snpu_errf(err, n, "%s '%s' has no type", what,
			      snpu_onnx_s(vi->name));
		return -EINVAL;
	}
	if (vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
	    !vi->type->tensor_type) {
		snpu_errf(err, n,
			      "%s '%s' is not a tensor (sequence, map, optional or sparse values are not supported)",
			      what, snpu_onnx_s(vi->name));
		return -EOPNOTSUPP;
	}
	tt = vi->type->tensor_type;
	*elem = tt->has_elem_type ? tt->elem_type : 0;
	sh = tt->shape;
	if (!sh)
		return 0;
	if (sh->n_dim > SNPU_GRAPH_MAX_DIMS) {
		snpu_errf(err, n, "%s '%s' has rank %zu; at most %d is supported",
			      what, snpu_onnx_s(vi->name), sh->n_dim,
			      SNPU_GRAPH_MAX_DIMS);
		return -EOPNOTSUPP;
	}
	/*
	 * Extents that are all unset say no more than a missing shape (the
	 * exporter writes an output of unknown extents so): leave the rank
	 * to shape inference.
	 */
	for (k = 0; k < sh->n_dim; k++)
		if (sh->dim[k]->value_case != SNPU_ONNX_DIM_UNSET)
			break;
	if (sh->n_dim && k == sh->n_dim)
		return 0;
	for (k = 0; k < sh->n_dim; k++) {
		const Onnx__TensorShapeProto__Dimension *d = sh->dim[k];

		if (d->value_case == SNPU_ONNX_DIM_VALUE) {
			if (d->dim_value < 0) {
				snpu_errf(err, n,
					      "%s '%s' has extent %lld in dimension %zu",
					      what, snpu_onnx_s(vi->name),
					      (long long)d->dim_value, k);
				return -EINVAL;
			}
			dims[k] = d->dim_value;
		} else {
			/* dim_param or nothing: a symbolic extent. */
			dims[k] = -1;
		}
	}
	*ndim = (uint32_t)sh->n_dim;
	*has_shape = true;
	return 0;
}

/* Index the initializers by name; refuse nameless and duplicate ones. */
static int snpu_onnx_index_inits(struct snpu_onnx_imp *imp)
{
	const Onnx__GraphProto *gp = imp->gp;
	size_t i, n_init = gp->n_initializer;

	imp->inits = calloc(n_init ? n_init : 1, sizeof(*imp->inits));
	imp->init_use = calloc(n_init ? n_init : 1, 1);
	if (!imp->inits || !imp->init_use) {
		snpu_errf(imp->err, imp->n, "out of memory");
		return -ENOMEM;
	}
	if (n_init > UINT32_MAX - 1) {
		snpu_errf(imp->err, imp->n, "too many initializers");
		return -EINVAL;
	}
	for (i = 0; i < n_init; i++) {
		const char *name = gp->initializer[i]->name;

		if (!name || !*name) {
			snpu_errf(imp->err, imp->n,
				      "initializer %zu has no name", i);
			return -EINVAL;
		}
		imp->inits[i].name = name;
		imp->inits[i].idx = (uint32_t)i;
	}
	qsort(imp->inits, n_init, sizeof(*imp->inits), snpu_onnx_name_cmp);
	for (i = 1; i < n_init; i++) {
		if (!strcmp(imp->inits[i - 1].name, imp->inits[i].name)) {
			snpu_errf(imp->err, imp->n,
				      "initializer '%s' is defined twice",
				      imp->inits[i].name);
			return -EINVAL;
		}
	}
	return 0;
}

/* Add the initializers that nodes read as tensors (or nobody reads). */
static int snpu_onnx_add_inits(struct snpu_onnx_imp *imp)
{
	const Onnx__GraphProto *gp = imp->gp;
	size_t i, j;
	char what[160];
	int ret;

	for (i = 0; i < gp->n_node; i++) {
		const Onnx__NodeProto *nd = gp->node[i];

		for (j = 0; j < nd->n_input; j++) {
			long k;

			if (!nd->input[j] || !*nd->input[j])
				continue;
			k = snpu_onnx_init_find(imp, nd->input[j]);
			if (k < 0)
				continue;
			imp->init_use[k] |= snpu_onnx_is_bound(imp, nd, j) ?
				SNPU_ONNX_USE_BOUND : SNPU_ONNX_USE_TENSOR;
		}
	}
	for (i = 0; i < gp->n_initializer; i++) {
		const Onnx__TensorProto *t = gp->initializer[i];
		int64_t dims[SNPU_GRAPH_MAX_DIMS];
		enum snpu_dtype dtype;
		uint32_t ndim, idx;
		void *data;

		if (imp->init_use[i] == SNPU_ONNX_USE_BOUND)
			continue;
		snprintf(what, sizeof(what), "initializer '%s'", t->name);
		ret = snpu_onnx_tensor_decode(t, what, &dtype, &ndim, dims,
					      &data, imp->err, imp->n);
		if (ret)
			return ret;
		if (dtype == SNPU_DT_FLOAT)
			idx = snpu_graph_add_tensor(imp->g, t->name, ndim, dims,
						    data);
		else
			idx = snpu_graph_add_i64(imp->g, t->name, ndim, dims,
						 data);
		free(data);
		if (idx == SNPU_GRAPH_NONE) {
			snpu_errf(imp->err, imp->n, "%s: out of memory",
				      what);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Graph inputs that are not initializers become the graph's inputs. */
static int snpu_onnx_add_inputs(struct snpu_onnx_imp *imp)
{
	const Onnx__GraphProto *gp = imp->gp;
	struct snpu_graph *g = imp->g;
	int64_t dims[SNPU_GRAPH_MAX_DIMS];
	uint32_t ndim, idx;
	bool has_shape;
	int32_t elem;
	size_t i;
	int ret;

	for (i = 0; i < gp->n_input; i++) {
		const Onnx__ValueInfoProto *vi = gp->input[i];
		const char *name = vi->name;

		if (!name || !*name) {
			snpu_errf(imp->err, imp->n,
				      "graph input %zu has no name", i);
			return -EINVAL;
		}
		/* An initializer listed as an input only gives a default. */
		if (snpu_onnx_init_find(imp, name) >= 0)
			continue;
		ret = snpu_onnx_vi_decode(vi, "graph input", &elem, &ndim,
					  dims, &has_shape, imp->err, imp->n);
		if (ret)
			return ret;
		/*
		 * onnx.checker wants it too; and ndim 0 would claim a scalar
		 * the input may not be.
		 */
		if (!has_shape && elem == SNPU_ONNX_FLOAT) {
			snpu_errf(imp->err, imp->n,
				      "graph input '%s' has no shape", name);
			return -EINVAL;
		}
		if (elem != SNPU_ONNX_FLOAT) {
			snpu_errf(imp->err, imp->n,
				      "graph input '%s' has type %s; only FLOAT is supported%s",
				      name, snpu_onnx_type_name(elem),
				      elem == SNPU_ONNX_INT64 ?
				      " (an INT64 Reshape shape must be an initializer)" :
				      "");
			return -EOPNOTSUPP;
		}
		if (snpu_graph_find(g, name) != SNPU_GRAPH_NONE) {
			snpu_errf(imp->err, imp->n,
				      "graph input '%s' is listed twice", name);
			return -EINVAL;
		}
		if (g->n_inputs == SNPU_GRAPH_MAX_IO) {
			snpu_errf(imp->err, imp->n,
				      "graph has more than %d inputs",
				      SNPU_GRAPH_MAX_IO);
			return -EOPNOTSUPP;
		}
		idx = snpu_graph_add_tensor(g, name, ndim, dims, NULL);
		if (idx == SNPU_GRAPH_NONE) {
			snpu_errf(imp->err, imp->n, "out of memory");
			return -ENOMEM;
		}
		g->inputs[g->n_inputs++] = idx;
	}
	return 0;
}

/*
 * Check every node's op and outputs and create its output tensor, so that
 * every name exists before any node is added.
 */
static int snpu_onnx_add_outputs(struct snpu_onnx_imp *imp)
{
	const Onnx__GraphProto *gp = imp->gp;
	int64_t dims[SNPU_GRAPH_MAX_DIMS] = { 0 };
	size_t i, j;

	if (gp->n_node > UINT32_MAX - 1) {
		snpu_errf(imp->err, imp->n, "too many nodes");
		return -EINVAL;
	}
	for (i = 0; i < gp->n_node; i++) {
		const Onnx__NodeProto *nd = gp->node[i];
		const char *out;

		imp->node_idx = (uint32_t)i;
		imp->node = nd;
		if (!snpu_onnx_default_domain(nd->domain))
			return snpu_onnx_nerr(imp, -EOPNOTSUPP,
					      "domain '%s' is not supported",
					      nd->domain);
		if (snpu_gop_from_name(snpu_onnx_s(nd->op_type)) < 0)
			return snpu_onnx_nerr(imp, -EOPNOTSUPP,
					      "operator is not supported");
		if (!nd->n_output || !nd->output[0] || !*nd->output[0])
			return snpu_onnx_nerr(imp, -EINVAL, "has no output");
		for (j = 1; j < nd->n_output; j++) {
			if (nd->output[j] && *nd->output[j])
				return snpu_onnx_nerr(imp, -EOPNOTSUPP,
						      "output %zu ('%s') is not supported; only the first output is",
						      j, nd->output[j]);
		}
		out = nd->output[0];
		if (snpu_graph_find(imp->g, out) != SNPU_GRAPH_NONE ||
		    snpu_onnx_init_find(imp, out) >= 0)
			return snpu_onnx_nerr(imp, -EINVAL,
					      "output '%s' is already defined",
					      out);
		if (snpu_graph_add_tensor(imp->g, out, 0, dims, NULL) ==
		    SNPU_GRAPH_NONE) {
			snpu_errf(imp->err, imp->n, "out of memory");
			return -ENOMEM;
		}
	}
	return 0;
}

/* Apply one value_info / graph output declaration to a node output. */
static int snpu_onnx_declare(struct snpu_onnx_imp *imp,
			     const Onnx__ValueInfoProto *vi, const char *what,
			     uint32_t first_computed)
{
	int64_t dims[SNPU_GRAPH_MAX_DIMS];
	struct snpu_gtensor *t;
	uint32_t ndim, idx;
	bool has_shape;
	int32_t elem;
	int ret;

	idx = snpu_graph_find(imp->g, snpu_onnx_s(vi->name));
	/* Declarations of inputs, constants or folded bounds change nothing. */
	if (idx == SNPU_GRAPH_NONE || idx < first_computed || !vi->type)
		return 0;
	ret = snpu_onnx_vi_decode(vi, what, &elem, &ndim, dims, &has_shape,
				  imp->err, imp->n);
	if (ret)
		return ret;
	if (elem && elem != SNPU_ONNX_FLOAT) {
		snpu_errf(imp->err, imp->n,
			      "%s '%s' has type %s; only FLOAT is supported",
			      what, vi->name, snpu_onnx_type_name(elem));
		return -EOPNOTSUPP;
	}
	if (!has_shape)
		return 0;
	t = &imp->g->tensors[idx];
	t->ndim = ndim;
	memcpy(t->dims, dims, sizeof(*dims) * ndim);
	imp->rank_known[idx] = true;
	return 0;
}

static int snpu_onnx_declare_all(struct snpu_onnx_imp *imp,
				 uint32_t first_computed)
{
	const Onnx__GraphProto *gp = imp->gp;
	struct snpu_graph *g = imp->g;
	uint32_t i;
	size_t k;
	int ret;

	imp->n_known = g->n_tensors;
	imp->rank_known = calloc(g->n_tensors ? g->n_tensors : 1,
				 sizeof(*imp->rank_known));
	if (!imp->rank_known) {
		snpu_errf(imp->err, imp->n, "out of memory");
		return -ENOMEM;
	}
	/* Constants and graph inputs (which must have a shape). */
	for (i = 0; i < first_computed; i++)
		imp->rank_known[i] = true;
	for (k = 0; k < gp->n_value_info; k++) {
		ret = snpu_onnx_declare(imp, gp->value_info[k], "value_info",
					first_computed);
		if (ret)
			return ret;
	}
	for (k = 0; k < gp->n_output; k++) {
		ret = snpu_onnx_declare(imp, gp->output[k], "graph output",
					first_computed);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- attributes ---- */

static bool snpu_onnx_attr_is(const Onnx__AttributeProto *a,
			      Onnx__AttributeProto__AttributeType type,
			      bool present)
{
	/* IR version 1 files carry no type; the set field tells. */
	return a->has_type ? a->type == type : present;
}

static int snpu_onnx_attr_int(struct snpu_onnx_imp *imp,
			      const Onnx__AttributeProto *a, int64_t *v)
{
	if (!snpu_onnx_attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT,
			       a->has_i))
		return snpu_onnx_nerr(imp, -EINVAL,
				      "attribute '%s' must be an int",
				      snpu_onnx_s(a->name));
	*v = a->i;
	return 0;
}

static int snpu_onnx_attr_bool(struct snpu_onnx_imp *imp,
			       const Onnx__AttributeProto *a, int *v)
{
	int64_t i = 0;
	int ret = snpu_onnx_attr_int(imp, a, &i);

	if (ret)
		return ret;
	if (i != 0 && i != 1)
		return snpu_onnx_nerr(imp, -EINVAL,
				      "attribute '%s' is %lld; it must be 0 or 1",
				      snpu_onnx_s(a->name), (long long)i);
	*v = (int)i;
	return 0;
}

static int snpu_onnx_attr_float(struct snpu_onnx_imp *imp,
				const Onnx__AttributeProto *a, float *v)
{
	if (!snpu_onnx_attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT,
			       a->has_f))
		return snpu_onnx_nerr(imp, -EINVAL,
				      "attribute '%s' must be a float",
				      snpu_onnx_s(a->name));
	*v = a->f;
	return 0;
}

static int snpu_onnx_attr_ints(struct snpu_onnx_imp *imp,
			       const Onnx__AttributeProto *a, int64_t *v,
			       size_t *n_v, bool *has)
{
	if (!snpu_onnx_attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS,
			       a->n_ints > 0))
		return snpu_onnx_nerr(imp, -EINVAL,
				      "attribute '%s' must be a list of ints",
				      snpu_onnx_s(a->name));
	if (a->n_ints > SNPU_ONNX_MAX_INTS)
		return snpu_onnx_nerr(imp, -EINVAL,
				      "attribute '%s' has %zu values",
				      snpu_onnx_s(a->name), a->n_ints);
	if (a->n_ints)
		memcpy(v, a->ints, sizeof(*v) * a->n_ints);
	*n_v = a->n_ints;
	*has = true;
	return 0;
}

static bool snpu_onnx_attr_str_is(const Onnx__AttributeProto *a,
				  const char *s)
{
	return a->s.len == strlen(s) && !memcmp(a->s.data, s, a->s.len);
}

static int snpu_onnx_attr_auto_pad(struct snpu_onnx_imp *imp,
				   const Onnx__AttributeProto *a, int *v)
{
	if (!snpu_onnx_attr_is(a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING,
			       a->has_s))
		return snpu_onnx_nerr(imp, -EINVAL,
				      "attribute 'auto_pad' must be a string");
	if (snpu_onnx_attr_str_is(a, "NOTSET"))
		*v = 0;
	else if (snpu_onnx_attr_str_is(a, "SAME_UPPER"))
		*v = 1;
	else if (snpu_onnx_attr_str_is(a, "SAME_LOWER"))
		*v = 2;
	else if (snpu_onnx_attr_str_is(a, "VALID"))
		*v = SNPU_ONNX_PAD_VALID;
	else
		return snpu_onnx_nerr(imp, -EINVAL,
				      "auto_pad '%.*s' is not NOTSET, VALID, SAME_UPPER or SAME_LOWER",
				      (int)(a->s.len > 32 ? 32 : a->s.len),
				      (const char *)a->s.data);
	return 0;
}

/* Conv and pool attributes, gathered whatever the rank. */
static int snpu_onnx_attr_spatial(struct snpu_onnx_imp *imp,
				  enum snpu_gop op,
				  const Onnx__AttributeProto *a,
				  struct snpu_onnx_spatial *sp,
				  struct snpu_gattr *attr, bool *known)
{
	const char *name = snpu_onnx_s(a->name);

	*known = true;
	if (!strcmp(name, "kernel_shape"))
		return snpu_onnx_attr_ints(imp, a, sp->kernel, &sp->n_kernel,
					   &sp->has_kernel);
	if (!strcmp(name, "strides"))
		return snpu_onnx_attr_ints(imp, a, sp->strides, &sp->n_strides,
					   &sp->has_strides);
	if (!strcmp(name, "pads"))
		return snpu_onnx_attr_ints(imp, a, sp->pads, &sp->n_pads,
					   &sp->has_pads);
	if (!strcmp(name, "auto_pad"))
		return snpu_onnx_attr_auto_pad(imp, a, &sp->auto_pad);
	/* AveragePool has dilations from opset 19. */
	if (!strcmp(name, "dilations") &&
	    (op != SNPU_GOP_AVGPOOL || imp->opset >= 19))
		return snpu_onnx_attr_ints(imp, a, sp->dilations,
					   &sp->n_dilations,
					   &sp->has_dilations);
	if (op == SNPU_GOP_CONV && !strcmp(name, "group"))
		return snpu_onnx_attr_int(imp, a, &attr->group);
	if (op != SNPU_GOP_CONV && !strcmp(name, "ceil_mode"))
		return snpu_onnx_attr_bool(imp, a, &attr->ceil_mode);
	if (op == SNPU_GOP_AVGPOOL && !strcmp(name, "count_include_pad"))
		return snpu_onnx_attr_bool(imp, a, &attr->count_include_pad);
	if (op == SNPU_GOP_MAXPOOL && !strcmp(name, "storage_order"))
		return snpu_onnx_attr_int(imp, a, &sp->storage_order);
	*known = false;
	return 0;
}

/*
 * Rank-check the gathered spatial attributes and store them as struct
 * snpu_gattr wants (1-D as height 1), resolving auto_pad SAME_* when the
 * input's spatial extents are declared.
 */
static int snpu_onnx_spatial_finish(struct snpu_onnx_imp *imp,
				    enum snpu_gop op, const uint32_t *in,
				    struct snpu_onnx_spatial *sp,
				    struct snpu_gattr *attr)
{
	const struct snpu_gtensor *x = &imp->g->tensors[in[0]];
	const struct snpu_gtensor *w = op == SNPU_GOP_CONV ?
		&imp->g->tensors[in[1]] : NULL;
	int xr = snpu_onnx_rank(imp, in[0]);
	int wr = w ? snpu_onnx_rank(imp, in[1]) : -1;
	const char *what = op == SNPU_GOP_CONV ? "convolution" : "pooling";
	int64_t k[2], kd;
	size_t i, r;

	if (op == SNPU_GOP_MAXPOOL && sp->storage_order)
		return snpu_onnx_nerr(imp, -EOPNOTSUPP,
				      "storage_order=%lld (column-major indices) is not supported",
				      (long long)sp->storage_order);
	if (op == SNPU_GOP_CONV) {
		if (wr >= 0 && wr < 3)
			return snpu_onnx_nerr(imp, -EINVAL,
					      "weight '%s' has rank %d; a Conv weight has rank 3 (1-D) or 4 (2-D)",
					      w->name, wr);
		if (wr >= 0)
			r = (size_t)wr - 2;
		else if (sp->has_kernel)
			r = sp->n_kernel;
		else if (xr >= 3)
			r = (size_t)xr - 2;
		else
			return snpu_onnx_nerr(imp, -EINVAL,
					      "the convolution's rank is unknown (no kernel_shape and no declared weight or input shape)");
	} else {
		if (!sp->has_kernel)
			return snpu_onnx_nerr(imp, -EINVAL,
					      "kernel_shape is required");
		r = sp->n_kernel;
	}
	if (r == 0)
		return snpu_onnx_nerr(imp, -EINVAL, "kernel_shape is empty");
	if (r > 2)
		return snpu_onnx_nerr(imp, -EOPNOTSUPP,
				      "%zu-D %s is not supported", r, what);
	if (xr >= 0 && (size_t)xr != r + 2)
		return snpu_onnx_nerr(imp, -EINVAL,
				      "input '%s' has rank %d; a %zu-D %s takes rank %zu",
				      x->name, xr, r, what, r + 2);
	if ((sp->has_kernel && sp->n_kernel != r) ||
	    (sp->has_strides && sp->n_strides != r) ||
	    (sp->has_dilations && sp->n_dilations != r) ||
	    (sp->has_pads && sp->n_pads != 2 * r))
		return snpu_onnx_nerr(imp, -EINVAL,
				      "kernel_shape, strides, dilations or pads do not match a %zu-D %s",
				      r, what);
	for (i = 0; i < r; i++) {
		if ((sp->has_kernel && sp->kernel[i] < 1) ||
		    (sp->has_strides && sp->strides[i] < 1) ||
		    (sp->has_dilations && sp->dilations[i] < 1) ||
		    (sp->has_pads && (sp->pads[i] < 0 || sp->pads[i + r] < 0)))
			return snpu_onnx_nerr(imp, -EINVAL,
					      "kernel_shape, strides and dilations must be >= 1, pads >= 0");
		if (sp->has_kernel && wr == (int)r + 2 && w->dims[2 + i] >= 0 &&
		    w->dims[2 + i] != sp->kernel[i])
			return snpu_onnx_nerr(imp, -EINVAL,
					      "kernel_shape does not match weight '%s'",
					      w->name);
	}
	if (op == SNPU_GOP_CONV && attr->group < 1)
		return snpu_onnx_nerr(imp, -EINVAL, "group is %lld",
				      (long long)attr->group);

	/* Index j of the ONNX lists goes to slot j + off of ours. */
	for (i = 0; i < r; i++) {
		size_t s = i + 2 - r;

		if (sp->has_kernel && op != SNPU_GOP_CONV)
			attr->kernel[s] = sp->kernel[i];
		if (sp->has_strides)
			attr->strides[s] = sp->strides[i];
		if (sp->has_dilations)
			attr->dilations[s] = sp->dilations[i];
		if (sp->has_pads && !sp->auto_pad) {
			attr->pads[s] = sp->pads[i];
			attr->pads[s + 2] = sp->pads[i + r];
		}
	}
	if (r == 1) {
		if (op != SNPU_GOP_CONV)
			attr->kernel[0] = 1;
		attr->strides[0] = 1;
		attr->dilations[0] = 1;
		attr->pads[0] = 0;
		attr->pads[2] = 0;
	}
	if (sp->auto_pad == 0 || sp->auto_pad == SNPU_ONNX_PAD_VALID) {
		attr->auto_pad = 0;
		return 0;
	}

	/* SAME_*: output extent ceil(in / stride), padding split evenly. */
	for (i = 0; i < r; i++) {
		int64_t in_ext = xr >= 0 ? x->dims[2 + i] : -1;

		k[i] = sp->has_kernel ? sp->kernel[i] :
			wr >= 0 ? w->dims[2 + i] : -1;
		if (in_ext < 1 || k[i] < 1 || in_ext > SNPU_ONNX_MAX_NUMEL ||
		    k[i] > SNPU_ONNX_MAX_NUMEL) {
			/* Extents unknown: shape inference resolves it. */
			attr->auto_pad = sp->auto_pad;
			memset(attr->pads, 0, sizeof(attr->pads));
			return 0;
		}
	}
	attr->auto_pad = 0;
	for (i = 0; i < r; i++) {
		size_t s = i + 2 - r;
		int64_t in_ext = x->dims[2 + i], st = attr->strides[s];
		int64_t d = attr->dilations[s], out, total, lo, hi;

		kd = (k[i] - 1) * d + 1;
		out = (in_ext + st - 1) / st;
		total = (out - 1) * st + kd - in_ext;
		if (total < 0)
			total = 0;
		lo = total / 2;
		hi = total - lo;
		attr->pads[s] = sp->auto_pad == 1 ? lo : hi;
		attr->pads[s + 2] = sp->auto_pad == 1 ? hi : lo;
	}
	return 0;
}

/* Reshape's shape values: -1 at most once, nothing below -1. */
static int snpu_onnx_check_shape(struct snpu_onnx_imp *imp,
				 const int64_t *v, int64_t count,
				 int allowzero)
{
	bool zero = false;
	int neg = 0;
	int64_t i;

	for (i = 0; i < count; i++) {
		if (v[i] < -1)
			return snpu_onnx_nerr(imp, -EINVAL,
					      "shape has value %lld",
					      (long long)v[i]);
		neg += v[i] == -1;
		zero |= v[i] == 0;
	}
	if (neg > 1)
		return snpu_onnx_nerr(imp, -EINVAL,
				      "shape has more than one -1");
	if (allowzero && zero && neg)
		return snpu_onnx_nerr(imp, -EINVAL,
				      "shape has both 0 and -1 with allowzero=1");
	return 0;
}

/* Reshape-1 to -4 carry the shape as an attribute: make it a constant. */
static int snpu_onnx_shape_const(struct snpu_onnx_imp *imp, const int64_t *v,
				 size_t count, uint32_t *idx)
{
	const char *out = imp->node->output[0];
	int64_t dims[SNPU_GRAPH_MAX_DIMS] = { (int64_t)count };
	size_t len = strlen(out) + 32;
	unsigned int k;
	char *name;
	int ret;

	ret = snpu_onnx_check_shape(imp, v, (int64_t)count, 0);
	if (ret)
		return ret;
	name = malloc(len);
	if (!name) {
		snpu_errf(imp->err, imp->n, "out of memory");
		return -ENOMEM;
	}
	for (k = 0;; k++) {
		if (k)
			snprintf(name, len, "%s_shape%u", out, k);
		else
			snprintf(name, len, "%s_shape", out);
		if (snpu_graph_find(imp->g, name) == SNPU_GRAPH_NONE &&
		    snpu_onnx_init_find(imp, name) < 0)
			break;
	}
	*idx = snpu_graph_add_i64(imp->g, name, 1, dims, v);
	free(name);
	if (*idx == SNPU_GRAPH_NONE) {
		snpu_errf(imp->err, imp->n, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* A Clip-11+ bound: a scalar FLOAT initializer. */
static int snpu_onnx_clip_bound(struct snpu_onnx_imp *imp, const char *name,
				const char *which, float *v)
{
	int64_t dims[SNPU_GRAPH_MAX_DIMS];
	enum snpu_dtype dtype;
	uint32_t ndim, k;
	char what[160];
	int64_t numel = 1;
	void *data;
	long idx;
	int ret;

	idx = snpu_onnx_init_find(imp, name);
	if (idx < 0) {
		if (snpu_graph_find(imp->g, name) != SNPU_GRAPH_NONE)
			return snpu_onnx_nerr(imp, -EOPNOTSUPP,
					      "%s '%s' is not a constant; only initializer bounds are supported",
					      which, name);
		return snpu_onnx_nerr(imp, -EINVAL,
				      "%s '%s' is not a graph input, initializer or node output",
				      which, name);
	}
	snprintf(what, sizeof(what), "node %u '%s' (Clip): %s '%s'",
		 imp->node_idx, snpu_onnx_s(imp->node->name), which, name);
	ret = snpu_onnx_tensor_decode(imp->gp->initializer[idx], what, &dtype,
				      &ndim, dims, &data, imp->err, imp->n);
	if (ret)
		return ret;
	for (k = 0; k < ndim; k++)
		numel *= dims[k];
	if (dtype != SNPU_DT_FLOAT || numel != 1) {
		free(data);
		ret = dtype != SNPU_DT_FLOAT ? -EOPNOTSUPP : -EINVAL;
		return snpu_onnx_nerr(imp, ret, "%s '%s' must be one FLOAT value",
				      which, name);
	}
	*v = *(float *)data;
	free(data);
	return 0;
}

/* Input counts: ONNX allows min..max inputs (optional ones may be ""). */
static void snpu_onnx_arity(const struct snpu_onnx_imp *imp, enum snpu_gop op,
			    size_t *min, size_t *max, size_t *required)
{
	*min = *max = *required = 1;
	switch (op) {
	case SNPU_GOP_GEMM:
	case SNPU_GOP_CONV:
		*min = *required = 2;
		*max = 3;
		break;
	case SNPU_GOP_MATMUL:
	case SNPU_GOP_ADD:
		*min = *max = *required = 2;
		break;
	case SNPU_GOP_CLIP:
		*max = imp->opset >= 11 ? 3 : 1;
		break;
	case SNPU_GOP_RESHAPE:
		if (imp->opset >= 5)
			*min = *max = *required = 2;
		break;
	case SNPU_GOP_BATCHNORM:
		*min = *max = *required = 5;
		break;
	default:
		break;
	}
}

/* Map the node's tensor inputs; Clip bounds are handled by the caller. */
static int snpu_onnx_node_inputs(struct snpu_onnx_imp *imp, enum snpu_gop op,
				 uint32_t *in, uint32_t *n_in)
{
	const Onnx__NodeProto *nd = imp->node;
	size_t min, max, required, j, n_tensor;

	snpu_onnx_arity(imp, op, &min, &max, &required);
	if (nd->n_input < min || nd->n_input > max)
		return snpu_onnx_nerr(imp, -EINVAL,
				      "has %zu inputs; %s takes %zu to %zu",
				      nd->n_input, snpu_gop_name(op), min, max);
	n_tensor = op == SNPU_GOP_CLIP ? 1 : nd->n_input;
	*n_in = 0;
	for (j = 0; j < n_tensor; j++) {
		const char *name = nd->input[j];
		const struct snpu_gtensor *t;
		uint32_t idx;

		if (!name || !*name) {
			if (j < required)
				return snpu_onnx_nerr(imp, -EINVAL,
						      "input %zu is required", j);
			in[j] = SNPU_GRAPH_NONE;
			continue;
		}
		idx = snpu_graph_find(imp->g, name);
		if (idx == SNPU_GRAPH_NONE)
			return snpu_onnx_nerr(imp, -EINVAL,
					      "input '%s' is not a graph input, initializer or node output",
					      name);
		t = &imp->g->tensors[idx];
		if (op == SNPU_GOP_RESHAPE && j == 1) {
			/* An INT64 value computed by a node: not for us. */
			int bad = t->dtype == SNPU_DT_INT64 ? -EOPNOTSUPP :
				-EINVAL;

			if (t->dtype != SNPU_DT_INT64 || !t->i64)
				return snpu_onnx_nerr(imp, bad,
						      "shape '%s' must be a constant INT64 initializer",
						      name);
			if (t->ndim != 1)
				return snpu_onnx_nerr(imp, -EINVAL,
						      "shape '%s' has rank %u; it must be 1-D",
						      name, t->ndim);
		} else if (t->dtype != SNPU_DT_FLOAT) {
			return snpu_onnx_nerr(imp, -EOPNOTSUPP,
					      "input '%s' is INT64; only FLOAT is supported here",
					      name);
		}
		in[j] = idx;
		*n_in = (uint32_t)j + 1;
	}
	return 0;
}

static int snpu_onnx_attr_gemm(struct snpu_onnx_imp *imp,
			       const Onnx__AttributeProto *a,
			       struct snpu_gattr *attr, bool *known)
{
	const char *name = snpu_onnx_s(a->name);
	int64_t v;

	*known = true;
	if (!strcmp(name, "alpha"))
		return snpu_onnx_attr_float(imp, a, &attr->alpha);
	if (!strcmp(name, "beta"))
		return snpu_onnx_attr_float(imp, a, &attr->beta);
	if (!strcmp(name, "transA"))
		return snpu_onnx_attr_bool(imp, a, &attr->trans_a);
	if (!strcmp(name, "transB"))
		return snpu_onnx_attr_bool(imp, a, &attr->trans_b);
	/* Gemm-1/6: numpy broadcasting of C covers both values. */
	if (!strcmp(name, "broadcast") && imp->opset < 7)
		return snpu_onnx_attr_int(imp, a, &v);
	*known = false;
	return 0;
}

/* Attributes of one node, checked and mapped into @attr. */
static int snpu_onnx_node_attrs(struct snpu_onnx_imp *imp, enum snpu_gop op,
				uint32_t *in, uint32_t *n_in,
				struct snpu_gattr *attr)
{
	const Onnx__NodeProto *nd = imp->node;
	struct snpu_onnx_spatial sp;
	int64_t shape[SNPU_ONNX_MAX_INTS];
	size_t n_shape = 0, j;
	bool has_shape = false, known;
	int64_t legacy_axis = 0, v = 0;
	bool has_legacy_axis = false;
	int ret, xr;

	memset(&sp, 0, sizeof(sp));
	/* As snpu_graph_add_node() sets them; only Softmax reads opset13. */
	attr->opset13 = imp->opset >= 13;
	if (op == SNPU_GOP_SOFTMAX)
		attr->axis = imp->opset >= 13 ? -1 : 1;
	if (op == SNPU_GOP_FLATTEN)
		attr->axis = 1;

	for (j = 0; j < nd->n_attribute; j++) {
		const Onnx__AttributeProto *a = nd->attribute[j];
		const char *name = snpu_onnx_s(a->name);

		ret = 0;
		known = true;
		/* Pre-7 memory-reuse hint; no effect on values. */
		if (!strcmp(name, "consumed_inputs") && imp->opset < 7)
			continue;
		switch (op) {
		case SNPU_GOP_GEMM:
			ret = snpu_onnx_attr_gemm(imp, a, attr, &known);
			break;
		case SNPU_GOP_CONV:
		case SNPU_GOP_MAXPOOL:
		case SNPU_GOP_AVGPOOL:
			ret = snpu_onnx_attr_spatial(imp, op, a, &sp, attr,
						     &known);
			break;
		case SNPU_GOP_CLIP:
			if (imp->opset < 11 && !strcmp(name, "min"))
				ret = snpu_onnx_attr_float(imp, a,
							   &attr->clip_min);
			else if (imp->opset < 11 && !strcmp(name, "max"))
				ret = snpu_onnx_attr_float(imp, a,
							   &attr->clip_max);
			else
				known = false;
			break;
		case SNPU_GOP_FLATTEN:
		case SNPU_GOP_SOFTMAX:
			if (!strcmp(name, "axis"))
				ret = snpu_onnx_attr_int(imp, a, &attr->axis);
			else
				known = false;
			break;
		case SNPU_GOP_RESHAPE:
			if (!strcmp(name, "allowzero") && imp->opset >= 14)
				ret = snpu_onnx_attr_bool(imp, a,
							  &attr->allowzero);
			else if (!strcmp(name, "shape") && imp->opset < 5)
				ret = snpu_onnx_attr_ints(imp, a, shape,
							  &n_shape, &has_shape);
			else
				known = false;
			break;
		case SNPU_GOP_BATCHNORM:
			if (!strcmp(name, "epsilon")) {
				ret = snpu_onnx_attr_float(imp, a,
							   &attr->epsilon);
			} else if (!strcmp(name, "momentum")) {
				/* Training only. */
				float f;

				ret = snpu_onnx_attr_float(imp, a, &f);
			} else if (!strcmp(name, "is_test") && imp->opset < 7) {
				/* Only the inference output is wired. */
				ret = snpu_onnx_attr_int(imp, a, &v);
			} else if (!strcmp(name, "spatial") && imp->opset < 9) {
				ret = snpu_onnx_attr_int(imp, a, &v);
				if (!ret && v != 1)
					ret = snpu_onnx_nerr(imp, -EOPNOTSUPP,
							     "spatial=%lld (per-activation statistics) is not supported",
							     (long long)v);
			} else if (!strcmp(name, "training_mode") &&
				   imp->opset >= 14) {
				ret = snpu_onnx_attr_int(imp, a, &v);
				if (!ret && v)
					ret = snpu_onnx_nerr(imp, -EOPNOTSUPP,
							     "training_mode=%lld is not supported",
							     (long long)v);
			} else {
				known = false;
			}
			break;
		case SNPU_GOP_ADD:
			if (!strcmp(name, "broadcast") && imp->opset < 7) {
				ret = snpu_onnx_attr_int(imp, a, &v);
			} else if (!strcmp(name, "axis") && imp->opset < 7) {
				ret = snpu_onnx_attr_int(imp, a, &legacy_axis);
				has_legacy_axis = true;
			} else {
				known = false;
			}
			break;
		default:
			known = false;
			break;
		}
		if (ret)
			return ret;
		if (!known)
			return snpu_onnx_nerr(imp, -EOPNOTSUPP,
					      "attribute '%s' is not supported",
					      name);
	}

	xr = snpu_onnx_rank(imp, in[0]);
	switch (op) {
	case SNPU_GOP_CONV:
	case SNPU_GOP_MAXPOOL:
	case SNPU_GOP_AVGPOOL:
		return snpu_onnx_spatial_finish(imp, op, in, &sp, attr);
	case SNPU_GOP_CLIP:
		for (j = 1; j < nd->n_input && imp->opset >= 11; j++) {
			if (!nd->input[j] || !*nd->input[j])
				continue;
			ret = snpu_onnx_clip_bound(imp, nd->input[j],
						   j == 1 ? "min" : "max",
						   j == 1 ? &attr->clip_min :
						   &attr->clip_max);
			if (ret)
				return ret;
		}
		return 0;
	case SNPU_GOP_FLATTEN:
		if ((imp->opset < 11 && attr->axis < 0) ||
		    (xr >= 0 && (attr->axis < -xr || attr->axis > xr)))
			return snpu_onnx_nerr(imp, -EINVAL,
					      "axis %lld is out of range",
					      (long long)attr->axis);
		return 0;
	case SNPU_GOP_SOFTMAX:
		if (xr >= 0 && (attr->axis < -xr || attr->axis >= xr) &&
		    !(xr == 0 && (attr->axis == 0 || attr->axis == -1)))
			return snpu_onnx_nerr(imp, -EINVAL,
					      "axis %lld is out of range for rank %d",
					      (long long)attr->axis, xr);
		return 0;
	case SNPU_GOP_RESHAPE:
		if (imp->opset < 5) {
			if (!has_shape)
				return snpu_onnx_nerr(imp, -EINVAL,
						      "attribute 'shape' is required");
			ret = snpu_onnx_shape_const(imp, shape, n_shape,
						    &in[1]);
			if (ret)
				return ret;
			*n_in = 2;
			return 0;
		}
		return snpu_onnx_check_shape(imp, imp->g->tensors[in[1]].i64,
					     imp->g->tensors[in[1]].dims[0],
					     attr->allowzero);
	case SNPU_GOP_ADD: {
		/*
		 * Add-1/6 broadcast B at @axis; numpy aligns it at the end, so
		 * only axis = rank(A) - rank(B) means the same.
		 */
		int br = snpu_onnx_rank(imp, in[1]);

		if (!has_legacy_axis)
			return 0;
		if (xr >= 0 && br >= 0 &&
		    (legacy_axis == xr - br || legacy_axis + xr == xr - br))
			return 0;
		return snpu_onnx_nerr(imp, -EOPNOTSUPP,
				      "legacy broadcast of B at axis %lld is not supported (only trailing alignment is)",
				      (long long)legacy_axis);
	}
	default:
		return 0;
	}
}

static int snpu_onnx_add_nodes(struct snpu_onnx_imp *imp)
{
	const Onnx__GraphProto *gp = imp->gp;
	struct snpu_graph *g = imp->g;
	size_t i;
	int ret;

	for (i = 0; i < gp->n_node; i++) {
		const Onnx__NodeProto *nd = gp->node[i];
		uint32_t in[SNPU_GRAPH_MAX_IO], n_in = 0, out, idx;
		struct snpu_gattr attr;
		enum snpu_gop op;

		imp->node_idx = (uint32_t)i;
		imp->node = nd;
		op = (enum snpu_gop)snpu_gop_from_name(nd->op_type);
		ret = snpu_onnx_node_inputs(imp, op, in, &n_in);
		if (ret)
			return ret;
		snpu_gattr_default(&attr);
		ret = snpu_onnx_node_attrs(imp, op, in, &n_in, &attr);
		if (ret)
			return ret;
		out = snpu_graph_find(g, nd->output[0]);
		idx = snpu_graph_add_node(g, snpu_onnx_s(nd->name), op, n_in,
					  in, out);
		if (idx == SNPU_GRAPH_NONE) {
			snpu_errf(imp->err, imp->n, "out of memory");
			return -ENOMEM;
		}
		g->nodes[idx].attr = attr;
	}
	return 0;
}

static int snpu_onnx_add_graph_outputs(struct snpu_onnx_imp *imp)
{
	const Onnx__GraphProto *gp = imp->gp;
	struct snpu_graph *g = imp->g;
	uint32_t idx;
	size_t i;

	for (i = 0; i < gp->n_output; i++) {
		const char *name = snpu_onnx_s(gp->output[i]->name);

		idx = snpu_graph_find(g, name);
		if (idx == SNPU_GRAPH_NONE) {
			snpu_errf(imp->err, imp->n,
				      "graph output '%s' is not computed by any node",
				      name);
			return -EINVAL;
		}
		if (g->n_outputs == SNPU_GRAPH_MAX_IO) {
			snpu_errf(imp->err, imp->n,
				      "graph has more than %d outputs",
				      SNPU_GRAPH_MAX_IO);
			return -EOPNOTSUPP;
		}
		g->outputs[g->n_outputs++] = idx;
	}
	if (!g->n_outputs) {
		snpu_errf(imp->err, imp->n, "graph has no output");
		return -EINVAL;
	}
	return 0;
}

int snpu_onnx_import(const void *buf, size_t size, struct snpu_graph **out,
		     char *err, size_t n)
{
	struct snpu_onnx_imp imp = { .err = err, .n = n };
	Onnx__ModelProto *m;
	uint32_t first_computed;
	int ret;

	if ((!buf && size) || !out) {
		snpu_errf(err, n, "no buffer or no result pointer");
		return -EINVAL;
	}
	m = onnx__model_proto__unpack(NULL, size, buf);
	if (!m) {
		snpu_errf(err, n,
			      "not an ONNX model: protobuf decoding of %zu bytes failed",
			      size);
		return -EINVAL;
	}
	ret = snpu_onnx_opset(m, &imp.opset, err, n);
	if (ret)
		goto out;
	imp.gp = m->graph;
	if (!imp.gp) {
		snpu_errf(err, n, "model has no graph");
		ret = -EINVAL;
		goto out;
	}
	if (imp.gp->n_sparse_initializer) {
		snpu_errf(err, n, "sparse initializers are not supported");
		ret = -EOPNOTSUPP;
		goto out;
	}
	imp.g = snpu_graph_new(snpu_onnx_s(imp.gp->name));
	if (!imp.g) {
		snpu_errf(err, n, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	imp.g->opset = imp.opset;

	ret = snpu_onnx_index_inits(&imp);
	if (!ret)
		ret = snpu_onnx_add_inits(&imp);
	if (!ret)
		ret = snpu_onnx_add_inputs(&imp);
	first_computed = imp.g->n_tensors;
	if (!ret)
		ret = snpu_onnx_add_outputs(&imp);
	if (!ret)
		ret = snpu_onnx_declare_all(&imp, first_computed);
	if (!ret)
		ret = snpu_onnx_add_nodes(&imp);
	if (!ret)
		ret = snpu_onnx_add_graph_outputs(&imp);
	if (!ret)
		ret = snpu_graph_check(imp.g, err, n);
out:
	free(imp.inits);
	free(imp.init_use);
	free(imp.rank_known);
	onnx__model_proto__free_unpacked(m, NULL);
	if (ret) {
		snpu_graph_free(imp.g);
		return ret;
	}
	*out = imp.g;
	return 0;
}

/* Prefix @err (which holds a message) with "@path: ". */
static void snpu_onnx_prefix(char *err, size_t n, const char *path)
{
	char *msg;

	if (!err || !n)
		return;
	msg = strdup(err);
	if (!msg)
		return;
	snprintf(err, n, "%s: %s", path, msg);
	free(msg);
}

int snpu_onnx_import_file(const char *path, struct snpu_graph **out,
			  char *err, size_t n)
{
	uint8_t *buf;
	size_t size;
	int ret;

	ret = snpu_onnx_read_all(path, &buf, &size, err, n);
	if (ret)
		return ret;
	ret = snpu_onnx_import(buf, size, out, err, n);
	free(buf);
	if (ret)
		snpu_onnx_prefix(err, n, path);
	return ret;
}

int snpu_onnx_read_tensor(const char *path, enum snpu_dtype *dtype,
			  uint32_t *ndim, int64_t dims[SNPU_GRAPH_MAX_DIMS],
			  void **data, char *err, size_t n)
{
	Onnx__TensorProto *t;
	char what[64];
	uint8_t *buf;
	size_t size;
	int ret;

	ret = snpu_onnx_read_all(path, &buf, &size, err, n);
	if (ret)
		return ret;
	t = onnx__tensor_proto__unpack(NULL, size, buf);
	free(buf);
	if (!t) {
		snpu_errf(err, n,
			      "%s: not a TensorProto (protobuf decoding failed)",
			      path);
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "tensor '%.40s'", snpu_onnx_s(t->name));
	ret = snpu_onnx_tensor_decode(t, what, dtype, ndim, dims, data, err,
				      n);
	onnx__tensor_proto__free_unpacked(t, NULL);
	if (ret)
		snpu_onnx_prefix(err, n, path);
	return ret;
}

/* ---- export ----------------------------------------------------------- */

/* Export state: every allocation is listed and freed together. */
struct snpu_onnx_exp {
	const struct snpu_graph *g;
	void **allocs;
	size_t n_allocs, cap_allocs;
	/* Rank of each tensor (declared or inferred), -1 when unknown. */
	int *rank;
	/* Initializers, in the order written. */
	Onnx__TensorProto **inits;
	size_t n_inits;
	char *err;
	size_t n;
};

static void *snpu_onnx_alloc(struct snpu_onnx_exp *e, size_t size)
{
	void *p;

	if (e->n_allocs == e->cap_allocs) {
		size_t cap = e->cap_allocs ? 2 * e->cap_allocs : 256;
		void **na = realloc(e->allocs, cap * sizeof(*na));

		if (!na)
			return NULL;
		e->allocs = na;
		e->cap_allocs = cap;
	}
	p = calloc(1, size ? size : 1);
	if (p)
		e->allocs[e->n_allocs++] = p;
	return p;
}

static void snpu_onnx_exp_free(struct snpu_onnx_exp *e)
{
	size_t i;

	for (i = 0; i < e->n_allocs; i++)
		free(e->allocs[i]);
	free(e->allocs);
	free(e->rank);
}

static int snpu_onnx_nomem(struct snpu_onnx_exp *e)
{
	snpu_errf(e->err, e->n, "out of memory");
	return -ENOMEM;
}

static bool snpu_onnx_is_const(const struct snpu_gtensor *t)
{
	return t->data || t->i64;
}

static bool snpu_onnx_is_input(const struct snpu_graph *g, uint32_t t)
{
	uint32_t i;

	for (i = 0; i < g->n_inputs; i++)
		if (g->inputs[i] == t)
			return true;
	return false;
}

static bool snpu_onnx_is_output(const struct snpu_graph *g, uint32_t t)
{
	uint32_t i;

	for (i = 0; i < g->n_outputs; i++)
		if (g->outputs[i] == t)
			return true;
	return false;
}

/*
 * Ranks of every tensor: declared ones as they are, computed ones from
 * their node. The exporter needs them to tell a 1-D pool from a 2-D one
 * and to check that a pre-13 Softmax means the same at opset 13.
 */
static int snpu_onnx_ranks(struct snpu_onnx_exp *e)
{
	const struct snpu_graph *g = e->g;
	uint32_t i;

	e->rank = malloc(sizeof(*e->rank) * (g->n_tensors ? g->n_tensors : 1));
	if (!e->rank)
		return snpu_onnx_nomem(e);
	for (i = 0; i < g->n_tensors; i++) {
		const struct snpu_gtensor *t = &g->tensors[i];

		bool declared = snpu_onnx_is_const(t) ||
			snpu_onnx_is_input(g, i) || t->ndim;

		e->rank[i] = declared ? (int)t->ndim : -1;
	}
	for (i = 0; i < g->n_nodes; i++) {
		const struct snpu_gnode *nd = &g->nodes[i];
		int a = nd->in[0] != SNPU_GRAPH_NONE ? e->rank[nd->in[0]] : -1;
		int b, r;

		if (e->rank[nd->out[0]] >= 0)
			continue;
		b = nd->n_in > 1 && nd->in[1] != SNPU_GRAPH_NONE ?
			e->rank[nd->in[1]] : -1;
		switch (nd->op) {
		case SNPU_GOP_GEMM:
		case SNPU_GOP_FLATTEN:
			r = 2;
			break;
		case SNPU_GOP_MATMUL:
			if (a < 0 || b < 0)
				r = -1;
			else if (a == 1 || b == 1)
				r = a + b - 2;
			else
				r = a > b ? a : b;
			break;
		case SNPU_GOP_ADD:
			r = a < 0 || b < 0 ? -1 : a > b ? a : b;
			break;
		case SNPU_GOP_RESHAPE:
			r = nd->in[1] != SNPU_GRAPH_NONE &&
				g->tensors[nd->in[1]].ndim == 1 ?
				(int)g->tensors[nd->in[1]].dims[0] : -1;
			break;
		default:
			r = a;
			break;
		}
		e->rank[nd->out[0]] = r;
	}
	return 0;
}

/* A TensorProto of constant tensor @t in raw_data (little-endian). */
static Onnx__TensorProto *snpu_onnx_etensor(struct snpu_onnx_exp *e,
					    const char *name,
					    enum snpu_dtype dtype,
					    uint32_t ndim, const int64_t *dims,
					    const void *data, int64_t numel)
{
	Onnx__TensorProto *tp = snpu_onnx_alloc(e, sizeof(*tp));
	size_t esize = dtype == SNPU_DT_INT64 ? 8 : 4;
	uint8_t *raw;
	int64_t i;

	raw = snpu_onnx_alloc(e, (size_t)numel * esize);
	if (!tp || !raw)
		return NULL;
	onnx__tensor_proto__init(tp);
	tp->name = (char *)name;
	tp->n_dims = ndim;
	tp->dims = (int64_t *)dims;
	tp->has_data_type = 1;
	tp->data_type = dtype == SNPU_DT_INT64 ?
		SNPU_ONNX_INT64 :
		SNPU_ONNX_FLOAT;
	for (i = 0; i < numel; i++) {
		if (dtype == SNPU_DT_INT64) {
			snpu_put_le64(raw + 8 * i,
				      (uint64_t)((const int64_t *)data)[i]);
		} else {
			uint32_t v;

			memcpy(&v, (const float *)data + i, 4);
			snpu_put_le32(raw + 4 * i, v);
		}
	}
	tp->has_raw_data = 1;
	tp->raw_data.len = (size_t)numel * esize;
	tp->raw_data.data = raw;
	return tp;
}

/*
 * A ValueInfoProto for tensor @t: with its shape when @rank is -1, else
 * with @rank unset extents (an output whose extents are not known yet;
 * onnx.checker wants a shape on every graph output); no shape when @rank
 * is -2.
 */
static Onnx__ValueInfoProto *snpu_onnx_evi(struct snpu_onnx_exp *e,
					   const struct snpu_gtensor *t,
					   int rank)
{
	Onnx__ValueInfoProto *vi = snpu_onnx_alloc(e, sizeof(*vi));
	Onnx__TypeProto *tp = snpu_onnx_alloc(e, sizeof(*tp));
	Onnx__TypeProto__Tensor *tt = snpu_onnx_alloc(e, sizeof(*tt));
	Onnx__TensorShapeProto *sh = snpu_onnx_alloc(e, sizeof(*sh));
	Onnx__TensorShapeProto__Dimension **dp;
	uint32_t k;

	uint32_t ndim = rank >= 0 ? (uint32_t)rank : t->ndim;

	dp = snpu_onnx_alloc(e, sizeof(*dp) * (ndim ? ndim : 1));
	if (!vi || !tp || !tt || !sh || !dp)
		return NULL;
	onnx__value_info_proto__init(vi);
	onnx__type_proto__init(tp);
	onnx__type_proto__tensor__init(tt);
	onnx__tensor_shape_proto__init(sh);
	vi->name = t->name;
	vi->type = tp;
	tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	tp->tensor_type = tt;
	tt->has_elem_type = 1;
	tt->elem_type = t->dtype == SNPU_DT_INT64 ?
		SNPU_ONNX_INT64 :
		SNPU_ONNX_FLOAT;
	if (rank == -2)
		return vi;
	tt->shape = sh;
	sh->n_dim = ndim;
	sh->dim = dp;
	for (k = 0; k < ndim; k++) {
		Onnx__TensorShapeProto__Dimension *d =
			snpu_onnx_alloc(e, sizeof(*d));

		if (!d)
			return NULL;
		onnx__tensor_shape_proto__dimension__init(d);
		if (rank >= 0) {
			/* Unset: neither dim_value nor dim_param. */
		} else if (t->dims[k] >= 0) {
			d->value_case = SNPU_ONNX_DIM_VALUE;
			d->dim_value = t->dims[k];
		} else {
			d->value_case = SNPU_ONNX_DIM_PARAM;
			d->dim_param = (char *)"N";
		}
		dp[k] = d;
	}
	return vi;
}

/* Append an attribute of @type to @nd (room for 8 was reserved). */
static Onnx__AttributeProto *
snpu_onnx_eattr(struct snpu_onnx_exp *e, Onnx__NodeProto *nd,
		const char *name, Onnx__AttributeProto__AttributeType type)
{
	Onnx__AttributeProto *a = snpu_onnx_alloc(e, sizeof(*a));

	if (!a)
		return NULL;
	onnx__attribute_proto__init(a);
	a->name = (char *)name;
	a->has_type = 1;
	a->type = type;
	nd->attribute[nd->n_attribute++] = a;
	return a;
}

static int snpu_onnx_eattr_int(struct snpu_onnx_exp *e, Onnx__NodeProto *nd,
			       const char *name, int64_t v)
{
	Onnx__AttributeProto *a = snpu_onnx_eattr(e, nd, name,
		ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);

	if (!a)
		return snpu_onnx_nomem(e);
	a->has_i = 1;
	a->i = v;
	return 0;
}

static int snpu_onnx_eattr_float(struct snpu_onnx_exp *e,
				 Onnx__NodeProto *nd, const char *name,
				 float v)
{
	Onnx__AttributeProto *a = snpu_onnx_eattr(e, nd, name,
		ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);

	if (!a)
		return snpu_onnx_nomem(e);
	a->has_f = 1;
	a->f = v;
	return 0;
}

static int snpu_onnx_eattr_ints(struct snpu_onnx_exp *e,
				Onnx__NodeProto *nd, const char *name,
				const int64_t *v, size_t count)
{
	Onnx__AttributeProto *a = snpu_onnx_eattr(e, nd, name,
		ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
	int64_t *copy = snpu_onnx_alloc(e, sizeof(*copy) * count);

	if (!a || !copy)
		return snpu_onnx_nomem(e);
	memcpy(copy, v, sizeof(*copy) * count);
	a->n_ints = count;
	a->ints = copy;
	return 0;
}

static int snpu_onnx_eattr_str(struct snpu_onnx_exp *e, Onnx__NodeProto *nd,
			       const char *name, const char *s)
{
	Onnx__AttributeProto *a = snpu_onnx_eattr(e, nd, name,
		ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);

	if (!a)
		return snpu_onnx_nomem(e);
	a->has_s = 1;
	a->s.len = strlen(s);
	a->s.data = (uint8_t *)s;
	return 0;
}

static int snpu_onnx_enerr(struct snpu_onnx_exp *e, uint32_t i, int ret,
			   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int snpu_onnx_enerr(struct snpu_onnx_exp *e, uint32_t i, int ret,
			   const char *fmt, ...)
{
	const struct snpu_gnode *nd = &e->g->nodes[i];
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snpu_errf(e->err, e->n, "node %u '%s' (%s): %s", i,
		      snpu_onnx_s(nd->name), snpu_gop_name(nd->op), msg);
	return ret;
}

/* Conv and pool attributes, 1-D (height 1) or 2-D. */
static int snpu_onnx_espatial(struct snpu_onnx_exp *e, uint32_t i,
			      Onnx__NodeProto *pn)
{
	const struct snpu_graph *g = e->g;
	const struct snpu_gnode *nd = &g->nodes[i];
	const struct snpu_gattr *a = &nd->attr;
	const struct snpu_gtensor *w = nd->op == SNPU_GOP_CONV ?
		&g->tensors[nd->in[1]] : NULL;
	int64_t pads[4];
	size_t r, o, k;
	int ret = 0;

	/* As the importer decides: the weight's rank, else the input's. */
	if (w && (e->rank[nd->in[1]] == 3 || e->rank[nd->in[1]] == 4))
		r = (size_t)e->rank[nd->in[1]] - 2;
	else
		r = e->rank[nd->in[0]] == 3 ? 1 : 2;
	o = 2 - r;
	if (r == 1 && ((!w && a->kernel[0] != 1) || a->strides[0] != 1 ||
		       a->dilations[0] != 1 || a->pads[0] || a->pads[2]))
		return snpu_onnx_enerr(e, i, -EINVAL,
				       "1-D node with a height kernel, stride, dilation or padding");
	if (w) {
		bool dims_known = w->ndim == r + 2;

		for (k = 0; k < r && dims_known; k++)
			dims_known = w->dims[2 + k] > 0;
		if (dims_known)
			ret = snpu_onnx_eattr_ints(e, pn, "kernel_shape",
						   w->dims + 2, r);
		if (!ret)
			ret = snpu_onnx_eattr_int(e, pn, "group", a->group);
	} else {
		ret = snpu_onnx_eattr_ints(e, pn, "kernel_shape",
					   a->kernel + o, r);
		if (!ret)
			ret = snpu_onnx_eattr_int(e, pn, "ceil_mode",
						  a->ceil_mode);
		if (!ret && nd->op == SNPU_GOP_AVGPOOL)
			ret = snpu_onnx_eattr_int(e, pn, "count_include_pad",
						  a->count_include_pad);
	}
	if (!ret)
		ret = snpu_onnx_eattr_ints(e, pn, "strides", a->strides + o, r);
	if (ret)
		return ret;
	if (nd->op != SNPU_GOP_AVGPOOL)
		ret = snpu_onnx_eattr_ints(e, pn, "dilations",
					   a->dilations + o, r);
	else if (a->dilations[0] != 1 || a->dilations[1] != 1)
		return snpu_onnx_enerr(e, i, -EOPNOTSUPP,
				       "AveragePool dilations need opset 19; opset %d is written",
				       SNPU_ONNX_EXPORT_OPSET);
	if (ret)
		return ret;
	if (a->auto_pad)
		return snpu_onnx_eattr_str(e, pn, "auto_pad",
					   a->auto_pad == 1 ? "SAME_UPPER" :
					   "SAME_LOWER");
	for (k = 0; k < r; k++) {
		pads[k] = a->pads[o + k];
		pads[r + k] = a->pads[2 + o + k];
	}
	return snpu_onnx_eattr_ints(e, pn, "pads", pads, 2 * r);
}

/* A name for a generated initializer: @base@suffix, made unique. */
static char *snpu_onnx_ename(struct snpu_onnx_exp *e, const char *base,
			     const char *suffix)
{
	size_t len = strlen(base) + strlen(suffix) + 16, i;
	unsigned int k;
	char *name = snpu_onnx_alloc(e, len);
	bool clash;

	if (!name)
		return NULL;
	for (k = 0;; k++) {
		if (k)
			snprintf(name, len, "%s%s%u", base, suffix, k);
		else
			snprintf(name, len, "%s%s", base, suffix);
		clash = snpu_graph_find(e->g, name) != SNPU_GRAPH_NONE;
		for (i = 0; i < e->n_inits && !clash; i++)
			clash = !strcmp(e->inits[i]->name, name);
		if (!clash)
			return name;
	}
}

/* Clip bounds become scalar initializers (opset 13 has no attributes). */
static int snpu_onnx_eclip(struct snpu_onnx_exp *e, uint32_t i,
			   Onnx__NodeProto *pn)
{
	const struct snpu_gnode *nd = &e->g->nodes[i];
	const char *out = e->g->tensors[nd->out[0]].name;
	float v[2] = { nd->attr.clip_min, nd->attr.clip_max };
	static const char *const suffix[2] = { "_min", "_max" };
	int k;

	pn->n_input = 1;
	for (k = 0; k < 2; k++) {
		Onnx__TensorProto *tp;
		float *val;
		char *name;

		if (isinf(v[k]) && (k ? v[k] > 0 : v[k] < 0)) {
			pn->input[1 + k] = (char *)"";
			continue;
		}
		name = snpu_onnx_ename(e, out, suffix[k]);
		val = snpu_onnx_alloc(e, sizeof(*val));
		if (!name || !val)
			return snpu_onnx_nomem(e);
		*val = v[k];
		tp = snpu_onnx_etensor(e, name, SNPU_DT_FLOAT, 0, NULL, val, 1);
		if (!tp)
			return snpu_onnx_nomem(e);
		e->inits[e->n_inits++] = tp;
		pn->input[1 + k] = name;
		pn->n_input = 2 + k;
	}
	return 0;
}

static int snpu_onnx_enode(struct snpu_onnx_exp *e, uint32_t i,
			   Onnx__NodeProto *pn)
{
	const struct snpu_graph *g = e->g;
	const struct snpu_gnode *nd = &g->nodes[i];
	const struct snpu_gattr *a = &nd->attr;
	uint32_t k;
	int ret = 0, r;

	onnx__node_proto__init(pn);
	pn->name = nd->name ? nd->name : (char *)"";
	pn->op_type = (char *)snpu_gop_name(nd->op);
	pn->domain = (char *)"";
	/* Room for Clip's three inputs whatever n_in says. */
	pn->input = snpu_onnx_alloc(e, sizeof(char *) *
				    (nd->n_in > 3 ? nd->n_in : 3));
	pn->output = snpu_onnx_alloc(e, sizeof(char *));
	pn->attribute = snpu_onnx_alloc(e, sizeof(*pn->attribute) * 8);
	if (!pn->input || !pn->output || !pn->attribute)
		return snpu_onnx_nomem(e);
	pn->n_input = nd->n_in;
	for (k = 0; k < nd->n_in; k++)
		pn->input[k] = nd->in[k] == SNPU_GRAPH_NONE ? (char *)"" :
			g->tensors[nd->in[k]].name;
	pn->n_output = 1;
	pn->output[0] = g->tensors[nd->out[0]].name;

	switch (nd->op) {
	case SNPU_GOP_GEMM:
		ret = snpu_onnx_eattr_float(e, pn, "alpha", a->alpha);
		if (!ret)
			ret = snpu_onnx_eattr_float(e, pn, "beta", a->beta);
		if (!ret)
			ret = snpu_onnx_eattr_int(e, pn, "transA", a->trans_a);
		if (!ret)
			ret = snpu_onnx_eattr_int(e, pn, "transB", a->trans_b);
		return ret;
	case SNPU_GOP_CONV:
	case SNPU_GOP_MAXPOOL:
	case SNPU_GOP_AVGPOOL:
		return snpu_onnx_espatial(e, i, pn);
	case SNPU_GOP_CLIP:
		return snpu_onnx_eclip(e, i, pn);
	case SNPU_GOP_FLATTEN:
		return snpu_onnx_eattr_int(e, pn, "axis", a->axis);
	case SNPU_GOP_SOFTMAX:
		/*
		 * Before opset 13 Softmax flattened the input to 2-D at
		 * @axis; that is the opset-13 Softmax when @axis is the last.
		 */
		r = e->rank[nd->in[0]];
		if (!a->opset13 && !(r >= 0 && (a->axis == r - 1 ||
						a->axis == -1 ||
						(r == 0 && a->axis == 0))))
			return snpu_onnx_enerr(e, i, -EOPNOTSUPP,
					       "pre-13 Softmax over axis %lld of a rank-%d input has no opset-13 form",
					       (long long)a->axis, r);
		return snpu_onnx_eattr_int(e, pn, "axis", a->axis);
	case SNPU_GOP_RESHAPE:
		/* allowzero is opset 14; without a 0 it changes nothing. */
		if (a->allowzero && nd->in[1] != SNPU_GRAPH_NONE) {
			const struct snpu_gtensor *s = &g->tensors[nd->in[1]];
			int64_t j, numel = snpu_gtensor_numel(s);

			for (j = 0; s->i64 && j < numel; j++) {
				if (s->i64[j])
					continue;
				return snpu_onnx_enerr(e, i, -EOPNOTSUPP,
						       "allowzero=1 with a 0 in the shape needs opset 14");
			}
		}
		return 0;
	case SNPU_GOP_BATCHNORM:
		return snpu_onnx_eattr_float(e, pn, "epsilon", a->epsilon);
	default:
		return 0;
	}
}

static int snpu_onnx_emodel(struct snpu_onnx_exp *e, void **buf,
			    size_t *size)
{
	const struct snpu_graph *g = e->g;
	Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
	Onnx__GraphProto gp = ONNX__GRAPH_PROTO__INIT;
	Onnx__OperatorSetIdProto os = ONNX__OPERATOR_SET_ID_PROTO__INIT;
	Onnx__OperatorSetIdProto *osp = &os;
	Onnx__NodeProto *nodes;
	size_t n_clip = 0, n_vi = 0, packed;
	uint32_t i;
	uint8_t *out;
	int ret;

	for (i = 0; i < g->n_nodes; i++)
		n_clip += g->nodes[i].op == SNPU_GOP_CLIP;
	e->inits = snpu_onnx_alloc(e, sizeof(*e->inits) *
				   (g->n_tensors + 2 * n_clip));
	nodes = snpu_onnx_alloc(e, sizeof(*nodes) * g->n_nodes);
	gp.node = snpu_onnx_alloc(e, sizeof(*gp.node) * g->n_nodes);
	gp.input = snpu_onnx_alloc(e, sizeof(*gp.input) * g->n_inputs);
	gp.output = snpu_onnx_alloc(e, sizeof(*gp.output) * g->n_outputs);
	gp.value_info = snpu_onnx_alloc(e, sizeof(*gp.value_info) *
					g->n_tensors);
	if (!e->inits || !nodes || !gp.node || !gp.input || !gp.output ||
	    !gp.value_info)
		return snpu_onnx_nomem(e);

	for (i = 0; i < g->n_tensors; i++) {
		const struct snpu_gtensor *t = &g->tensors[i];
		const void *vals;
		int64_t numel;

		if (!snpu_onnx_is_const(t))
			continue;
		numel = snpu_gtensor_numel(t);
		if (numel < 0 || numel > SNPU_ONNX_MAX_NUMEL) {
			snpu_errf(e->err, e->n,
				      "constant '%s' has an unknown extent",
				      t->name);
			return -EINVAL;
		}
		vals = t->dtype == SNPU_DT_INT64 ? (const void *)t->i64 :
			(const void *)t->data;
		e->inits[e->n_inits] = snpu_onnx_etensor(e, t->name, t->dtype,
							 t->ndim, t->dims, vals,
							 numel);
		if (!e->inits[e->n_inits++])
			return snpu_onnx_nomem(e);
	}
	for (i = 0; i < g->n_nodes; i++) {
		ret = snpu_onnx_enode(e, i, &nodes[i]);
		if (ret)
			return ret;
		gp.node[i] = &nodes[i];
	}
	gp.n_node = g->n_nodes;
	gp.n_initializer = e->n_inits;
	gp.initializer = e->inits;
	for (i = 0; i < g->n_inputs; i++) {
		gp.input[i] = snpu_onnx_evi(e, &g->tensors[g->inputs[i]], -1);
		if (!gp.input[i])
			return snpu_onnx_nomem(e);
	}
	gp.n_input = g->n_inputs;
	for (i = 0; i < g->n_outputs; i++) {
		uint32_t t = g->outputs[i];
		const struct snpu_gtensor *gt = &g->tensors[t];
		int rank = -1;

		/* ndim 0 of a computed tensor: extents not inferred yet. */
		if (!gt->ndim && !snpu_onnx_is_const(gt) &&
		    !snpu_onnx_is_input(g, t))
			rank = e->rank[t] > 0 ? e->rank[t] :
				e->rank[t] < 0 ? -2 : -1;
		gp.output[i] = snpu_onnx_evi(e, gt, rank);
		if (!gp.output[i])
			return snpu_onnx_nomem(e);
	}
	gp.n_output = g->n_outputs;
	for (i = 0; i < g->n_tensors; i++) {
		const struct snpu_gtensor *t = &g->tensors[i];

		if (snpu_onnx_is_const(t) || !t->ndim ||
		    t->producer == SNPU_GRAPH_NONE ||
		    snpu_onnx_is_input(g, i) || snpu_onnx_is_output(g, i))
			continue;
		gp.value_info[n_vi] = snpu_onnx_evi(e, t, -1);
		if (!gp.value_info[n_vi++])
			return snpu_onnx_nomem(e);
	}
	gp.n_value_info = n_vi;
	/* onnx.checker wants a graph name. */
	gp.name = g->name && *g->name ? g->name : (char *)"snpu";

	os.domain = (char *)"";
	os.has_version = 1;
	os.version = SNPU_ONNX_EXPORT_OPSET;
	m.has_ir_version = 1;
	m.ir_version = SNPU_ONNX_EXPORT_IR;
	m.n_opset_import = 1;
	m.opset_import = &osp;
	m.producer_name = (char *)"snpu";
	m.graph = &gp;

	packed = onnx__model_proto__get_packed_size(&m);
	out = malloc(packed ? packed : 1);
	if (!out)
		return snpu_onnx_nomem(e);
	if (onnx__model_proto__pack(&m, out) != packed) {
		free(out);
		snpu_errf(e->err, e->n, "protobuf packing failed");
		return -EINVAL;
	}
	*buf = out;
	*size = packed;
	return 0;
}

int snpu_onnx_export(const struct snpu_graph *g, void **buf, size_t *size,
		     char *err, size_t n)
{
	struct snpu_onnx_exp e = { .g = g, .err = err, .n = n };
	int ret;

	if (!g || !buf || !size) {
		snpu_errf(err, n, "no graph or no result pointer");
		return -EINVAL;
	}
	ret = snpu_graph_check(g, err, n);
	if (!ret)
		ret = snpu_onnx_ranks(&e);
	if (!ret)
		ret = snpu_onnx_emodel(&e, buf, size);
	snpu_onnx_exp_free(&e);
	return ret;
}

int snpu_onnx_export_file(const struct snpu_graph *g, const char *path,
			  char *err, size_t n)
{
	size_t size, done = 0, len = strlen(path);
	char *tmp;
	void *buf;
	ssize_t w;
	int fd, ret;

	ret = snpu_onnx_export(g, &buf, &size, err, n);
	if (ret)
		return ret;
	tmp = malloc(len + 8);
	if (!tmp) {
		free(buf);
		snpu_errf(err, n, "%s: out of memory", path);
		return -ENOMEM;
	}
	snprintf(tmp, len + 8, "%sXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		snpu_errf(err, n, "%s: cannot create a temporary file: %s",
			      path, strerror(-ret));
		goto out;
	}
	while (done < size) {
		w = write(fd, (const uint8_t *)buf + done, size - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ret = w < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)w;
	}
	/* mkstemp makes the file 0600; a model is no secret. */
	if (!ret && fchmod(fd, 0644))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		snpu_errf(err, n, "%s: write failed: %s", path,
			      strerror(-ret));
		unlink(tmp);
	}
out:
	free(tmp);
	free(buf);
	return ret;
}
