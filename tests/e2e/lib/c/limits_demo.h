/* A header only reachable through the --import-c-include directive of s14_directives.thrust. */
#define DEMO_LIMIT 42
static inline int demo_unused(void) { return 0; }
int abs(int x);
