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
#endif
