/* A project-owned C header for the importC tests: nested and padded structs with arrays, enums,
   typedefs, function pointers and macros, plus things importC must skip (bit-fields, unions). The
   functions live in shapes.c, built into libshapes.so by tests/cimport/CMakeLists.txt. */
#ifndef THRUSTC_TEST_SHAPES_H
#define THRUSTC_TEST_SHAPES_H
#include <stddef.h>
#include <stdint.h>

#define SHAPES_VERSION 3
#define SHAPES_SCALE 2.5
#define SHAPES_NAME "shapes"
#define SHAPES_MASK (0xF0u | 0x0Fu)
#define SHAPES_LIMIT (SHAPES_VERSION * 100 - 1)
#define SHAPES_NEG (-7L)
#define SHAPES_CALL(x) ((x) + 1)
#ifdef SHAPES_WIDE
#define SHAPES_WIDTH 64
#else
#define SHAPES_WIDTH 32
#endif

enum shape_kind { SHAPE_POINT, SHAPE_CIRCLE = 5, SHAPE_BOX };
typedef enum { COLOR_RED = 1, COLOR_BLUE = 4 } color_t;

typedef struct {
  char tag;      /* padded: x sits at offset 8 */
  double x, y;
} point_t;

struct box {
  uint8_t flags;
  point_t corners[2];  /* nested structs in an array */
  int16_t ids[3];
  color_t color;
};

typedef int (*reducer_fn)(int acc, int value);

struct bits {
  unsigned ready : 1;
  unsigned count : 7;
};

union number {
  int i;
  float f;
};

int shapes_sum(const int* values, size_t n);
int shapes_reduce(const int* values, size_t n, reducer_fn f, int start);
double shapes_box_width(const struct box* b);
point_t shapes_mid(point_t a, point_t b);
size_t shapes_name_length(const char* name);
int shapes_count_bits(struct bits* b);
int shapes_sum_all(int n, ...);
long double shapes_precise(void);
#endif
