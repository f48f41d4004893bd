/* See clash_a.h. */
#define CLASH_LIMIT 20
