/* error.c — the error vocabulary: chorus_strerror, chorus_version and the error detail
 * helpers (error.h). */
#include "core/error.h"
#include "core/post.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *chorus_strerror(chorus_err e)
{
    switch (e) {
    case CHORUS_OK: return "success";
    case CHORUS_ENOMEM: return "out of memory";
    case CHORUS_EIO: return "input/output error";
    case CHORUS_EFORMAT: return "unknown input format";
    case CHORUS_EPARSE: return "malformed record";
    case CHORUS_ELIMIT: return "input exceeds a limit";
    case CHORUS_EUSAGE: return "invalid argument";
    case CHORUS_EDB: return "results database error";
    case CHORUS_EINTERNAL: return "internal error";
    case CHORUS_ENOTFOUND: return "not found";
    }
    return "unknown error";
}

const char *chorus_version(void)
{
    return CHORUS_VERSION;
}

void ch_error_clear(chorus_error *e)
{
    if (!e)
        return;
    e->code = CHORUS_OK;
    e->message[0] = '\0';
    e->file[0] = '\0';
    e->line = 0;
    e->offset = -1;
    e->reported = false;
}

chorus_err ch_error_set(chorus_error *e, chorus_err code, const char *file, uint64_t line,
                        const char *fmt, ...)
{
    if (!e)
        return code;
    ch_error_clear(e);
    e->code = code;
    if (file)
        snprintf(e->file, sizeof e->file, "%s", file);
    e->line = line;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        va_end(ap);
    } else {
        snprintf(e->message, sizeof e->message, "%s", chorus_strerror(code));
    }
    return code;
}

const char *chorus_reason_at(size_t i)
{
    return i < CH_R__COUNT ? ch_reason_name((ch_reason)i) : NULL;
}
