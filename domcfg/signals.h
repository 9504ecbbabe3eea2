/* signals.h: stop signal names ("SIGTERM", "TERM", "15") to numbers. */
#ifndef XL_OCI_DOMCFG_SIGNALS_H
#define XL_OCI_DOMCFG_SIGNALS_H

/* Returns the Linux signal number, or -1 when `s` names no signal. */
int signal_from_string(const char *s);

#endif
