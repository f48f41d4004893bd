/* The functions of shapes.h, built into a small shared library for the importC tests. */
#include "shapes.h"

#include <stdarg.h>
#include <string.h>

int shapes_sum(const int* values, size_t n) {
  int s = 0;
  for (size_t i = 0; i < n; ++i) s += values[i];
  return s;
}

int shapes_reduce(const int* values, size_t n, reducer_fn f, int start) {
  for (size_t i = 0; i < n; ++i) start = f(start, values[i]);
  return start;
}

double shapes_box_width(const struct box* b) { return b->corners[1].x - b->corners[0].x + b->ids[2] + b->color; }

point_t shapes_mid(point_t a, point_t b) {
  point_t m = {'m', (a.x + b.x) / 2, (a.y + b.y) / 2};
  return m;
}

size_t shapes_name_length(const char* name) { return strlen(name); }

int shapes_count_bits(struct bits* b) { return b->ready + b->count; }

int shapes_sum_all(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int s = 0;
  for (int i = 0; i < n; ++i) s += va_arg(ap, int);
  va_end(ap);
  return s;
}

long double shapes_precise(void) { return 1.0L; }
