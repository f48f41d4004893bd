/* Two headers that define the same macro differently: the first import wins, with a warning. */
#define CLASH_LIMIT 10
int clash_twice(int x);
