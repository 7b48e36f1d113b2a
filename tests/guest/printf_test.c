// printf of integers and doubles: every conversion the brief lists, at the edges
// (large, small, negative, subnormal, inf, nan). glibc's formatting code runs in the
// guest, so this exercises integer division, FP and long double (soft-float
// binary128 on RV64) paths. A few results are checked against hand-written strings
// (C standard / IEEE 754 values); the rest is compared with qemu-riscv64.
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "guest_check.h"

static void CheckFormat(const char* expected, const char* fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void CheckFormat(const char* expected, const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (strcmp(buf, expected) != 0) {
    printf("FAIL format \"%s\": got \"%s\", expected \"%s\"\n", fmt, buf, expected);
    g_guest_failures++;
  }
}

int main(void) {
  static const long long kInts[] = {0,
                                    1,
                                    -1,
                                    42,
                                    -42,
                                    127,
                                    -128,
                                    255,
                                    65535,
                                    INT_MAX,
                                    INT_MIN,
                                    UINT_MAX,
                                    LLONG_MAX,
                                    LLONG_MIN,
                                    1000000007,
                                    -999999999999LL,
                                    0x123456789abcdefLL};
  for (unsigned i = 0; i < sizeof kInts / sizeof kInts[0]; i++) {
    long long v = kInts[i];
    printf("%d|%ld|%lld|%u|%lu|%x|%lx|%X|%o|%#x|%+d|% d|%08d|%-8d|%5.3d|%hd|%hhd|%hhu\n", (int)v,
           (long)v, v, (unsigned)v, (unsigned long)v, (unsigned)v, (unsigned long)v, (unsigned)v,
           (unsigned)v, (unsigned)v, (int)v, (int)v, (int)v, (int)v, (int)v, (short)v,
           (signed char)v, (unsigned char)v);
  }
  printf("%zu %ld %jd %ju %td\n", (size_t)-1, (long)-5, (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX,
         (ptrdiff_t)-12345);
  printf("[%s] [%10s] [%-10s] [%.3s] [%c] [%5c] [%%]\n", "str", "right", "left", "truncate", 'x',
         'y');

  const double kDoubles[] = {0.0,
                             -0.0,
                             1.0,
                             -1.0,
                             0.1,
                             1.0 / 3.0,
                             2.0 / 3.0,
                             123456789.0,
                             1e300,
                             -1e-300,
                             DBL_MAX,
                             DBL_MIN,
                             DBL_TRUE_MIN,
                             DBL_EPSILON,
                             3.141592653589793,
                             2.718281828459045,
                             1e21,
                             1e-7,
                             0.5,
                             1.5,
                             2.5,
                             -2.5,
                             9007199254740993.0,
                             5e-324,
                             HUGE_VAL,
                             -HUGE_VAL,
                             NAN,
                             -NAN,
                             1234.5678,
                             1e16,
                             0.000123};
  for (unsigned i = 0; i < sizeof kDoubles / sizeof kDoubles[0]; i++) {
    double d = kDoubles[i];
    printf("%g|%e|%f|%.17g|%a|%.3e|%10.2f|%-12g|%+g|%G|%E|%.0f|%#.0f|%.30g\n", d, d, d, d, d, d, d,
           d, d, d, d, d, d, d);
  }
  const float kFloats[] = {0.1f, FLT_MAX, FLT_MIN, 1e-45f, 16777217.0f, -3.5f};
  for (unsigned i = 0; i < sizeof kFloats / sizeof kFloats[0]; i++) {
    printf("%.9g %a %e\n", kFloats[i], kFloats[i], kFloats[i]);
  }
  long double ld = 1.0L / 3.0L;
  printf("%Lg %.30Lg %La\n", ld, ld, ld);
  printf("%.40Lg\n", (long double)LDBL_MAX);

  // Values from C17 7.21.6.1 and IEEE 754 binary64 (hand-checked).
  CheckFormat("42 -42 2a 52", "%d %ld %x %o", 42, -42L, 42u, 42u);
  CheckFormat("-2147483648 9223372036854775807", "%d %ld", INT_MIN, LONG_MAX);
  CheckFormat("ffffffffffffffff", "%lx", ULONG_MAX);
  CheckFormat("0.1 1.000000e-01 0.10000000000000001", "%g %e %.17g", 0.1, 0.1, 0.1);
  CheckFormat("0x1p+0 0x1.8p+1 -0x0p+0", "%a %a %a", 1.0, 3.0, -0.0);
  // glibc prints subnormals with a 0x0. mantissa and the minimum exponent.
  CheckFormat("0x0.0000000000001p-1022", "%a", DBL_TRUE_MIN);
  CheckFormat("1.79769e+308", "%g", DBL_MAX);
  CheckFormat("inf -inf nan -nan", "%g %g %g %g", INFINITY, -INFINITY, NAN, -NAN);
  CheckFormat("INF NAN", "%G %E", INFINITY, NAN);
  CheckFormat("2 2 4", "%.0f %.0f %.0f", 1.5, 2.5, 3.5);  // round half to even
  CheckFormat("9007199254740992", "%.17g", 9007199254740993.0);
  CheckFormat("1e+21 1e-07", "%g %g", 1e21, 1e-7);
  CheckFormat("00042|42   |  +42", "%05d|%-5d|%+5d", 42, 42, 42);
  CheckFormat("3.14159", "%g", 3.14159265358979);
  CheckFormat("123456789", "%.9g", 123456789.0);
  CheckFormat("1.23457e+08", "%g", 123456789.0);

  int n = 0;
  printf("%s%n|\n", "count", &n);
  printf("n=%d\n", n);
  char big[64];
  volatile size_t limit = 8;
  int len = snprintf(big, limit, "%d", 123456789);
  printf("snprintf truncated to [%s], wants %d\n", big, len);
  fprintf(stderr, "stderr: %d %g %s\n", -7, 2.5, "done");
  return GuestFinish();
}
