#include "CTraceCapture.h"
