#ifndef CTRACECAPTURE_H
#define CTRACECAPTURE_H
#include <stdint.h>
#include <sys/types.h>
#include "CTraceCapture_ptrace.h"
#include "CTraceCapture_filter.h"
#include "CTraceCapture_perf.h"
#include "CTraceCapture_inspect.h"
#include "CTraceCapture_notify.h"
#include "CTraceCapture_pty.h"

/// Raw syscall number/argument access used by tests and enforce; filled in by the tracer work.
static inline int CTraceCapture_version(void) { return 1; }
#endif
