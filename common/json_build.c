/* json_build.c: json-c constructors that never fail silently (json_build.h). */
#include "common/json_build.h"

#include "common/alloc.h"

static json_object *made(json_object *o)
{
    if (!o)
        xo_oom();
    return o;
}

json_object *xo_jobj(void)
{
    return made(json_object_new_object());
}

json_object *xo_jarr(void)
{
    return made(json_object_new_array());
}

json_object *xo_jstr(const char *s)
{
    return made(json_object_new_string(s));
}

json_object *xo_jint(int32_t v)
{
    return made(json_object_new_int(v));
}

json_object *xo_jint64(int64_t v)
{
    return made(json_object_new_int64(v));
}

json_object *xo_jfixed(double v, int decimals)
{
    char text[64];
    if (decimals < 0 || decimals > 9)
        decimals = 9;
    /* may truncate: a number too large for 64 bytes is printed cut, and
     * json-c still stores `v` */
    snprintf(text, sizeof(text), "%.*f", decimals, v);
    return made(json_object_new_double_s(v, text));
}

json_object *xo_juint64(uint64_t v)
{
    return made(json_object_new_uint64(v));
}

json_object *xo_jbool(bool v)
{
    return made(json_object_new_boolean(v));
}

void xo_jset(json_object *obj, const char *key, json_object *val)
{
    /* json-c 0.16 fails only when it cannot allocate the key's copy or
     * grow the table; it does not free val then. */
    if (json_object_object_add(obj, key, val) != 0)
        xo_oom();
}

void xo_jpush(json_object *arr, json_object *val)
{
    if (json_object_array_add(arr, val) != 0)
        xo_oom();
}
