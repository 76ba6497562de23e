/* Umbrella header: what cmd/ programs include. */
#ifndef SC_H
#define SC_H

#include "sc_alloc.h"
#include "sc_err.h"
#include "sc_json.h"
#include "sc_matrix.h"
#include "sc_metric.h"
#include "sc_opts.h"
#include "sc_progress.h"
#include "sc_stream.h"

#endif
