/* timerheap.h — libre's timers of the event loop kept in a heap
 * (timerheap.c interposes tmr_start and tmr_cancel; nothing to call). */
#ifndef PLATEAU_TIMERHEAP_H
#define PLATEAU_TIMERHEAP_H

#include <stddef.h>

/* Timers of the loop thread now running (for tests and metrics). */
size_t timerheap_count(void);

#endif
