/* cmd_formats.c — `chorus formats`: every input format and table preset chorus reads, with
 * its aliases, platform, one line of summary and a minimal example (from chorus_format_at). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "chorus.h"
#include "cli.h"

static void help(FILE *f)
{
    fprintf(f, "usage: chorus formats [--brief]\n"
               "\n"
               "Lists the input formats and table presets: the name --format and --preset take,\n"
               "its aliases, the platform its accounts belong to, whether it is detected from a\n"
               "file's first bytes, a summary and a minimal example.\n"
               "\n"
               "  --brief   one line per format: name, platform, summary\n");
}

/* The example, each line indented. */
static void print_example(const char *ex)
{
    const char *p = ex;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        printf("    | %.*s\n", (int)n, p);
        p += n + (nl != NULL);
    }
}

int cmd_formats(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"brief", no_argument, 0, 'b'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    bool brief = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "bh", longopts, NULL)) != -1) {
        if (c == 'h') {
            help(stdout);
            return EXIT_OK;
        }
        if (c != 'b') {
            help(stderr);
            return EXIT_USAGE;
        }
        brief = true;
    }
    if (optind < argc) {
        cli_err("formats: unexpected argument '%s' (see 'chorus formats --help')", argv[optind]);
        return EXIT_USAGE;
    }
    const chorus_format_info *f;
    for (size_t i = 0; (f = chorus_format_at(i)); i++) {
        const char *pf = f->platform[0] ? f->platform : "any";
        if (brief) {
            printf("%-14s %-10s %s\n", f->name, pf, f->summary);
            continue;
        }
        printf("%s%s%s%s\n", f->name, f->aliases[0] ? "  (also: " : "", f->aliases,
               f->aliases[0] ? ")" : "");
        printf("  platform  %s\n", pf);
        printf("  detected  %s\n", f->detected ? "yes, from the first bytes" : "no: name it with --format");
        printf("  summary   %s\n", f->summary);
        if (f->example[0]) {
            printf("  example\n");
            print_example(f->example);
        }
        printf("\n");
    }
    return EXIT_OK;
}
