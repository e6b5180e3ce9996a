/* fuzz_watch_state.c — libFuzzer target: the detector state of a `chorus watch` checkpoint
 * (state.json's "tracker", "echo" and an alert queue) read back from any bytes. A damaged
 * state must be refused or read, never crash or leak; what was read must save again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/jbuf.h"
#include "watch/alerts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ch_json_parser *jp = NULL;
    if (ch_json_parser_new(0, &jp))
        return 0;
    ch_json_val root;
    if (ch_json_parse(jp, (const char *)data, size, false, &root, NULL) == CH_JSON_OK) {
        ch_tracker_opts to = {0};
        ch_tracker *t = NULL;
        ch_echo *e = NULL;
        ch_alertq q = {.next_id = 1};
        ch_jbuf b = {0};
        if (!ch_tracker_new(&to, &t) && !ch_tracker_load(t, ch_json_get(root, "tracker")))
            ch_tracker_save(t, &b);
        if (!ch_echo_new(5, 3600, &e) && !ch_echo_load(e, ch_json_get(root, "echo")))
            ch_echo_save(e, &b);
        if (!ch_alertq_load(&q, ch_json_get(root, "alerts")))
            ch_alertq_save(&q, &b);
        ch_jbuf_free(&b);
        ch_alertq_free(&q);
        ch_echo_free(e);
        ch_tracker_free(t);
    }
    ch_json_parser_free(jp);
    return 0;
}
