// Indirect control flow: dense switch statements (GCC emits jump tables: a load
// from a table and a jr), function-pointer tables, a struct-of-function-pointers
// dispatch, an interpreter with computed goto (&&label: one indirect jump per
// opcode, many targets from one site), and indirect tail calls. Results are
// checked against closed forms computed by hand.
#include <stdint.h>
#include <stdio.h>

#include "guest_check.h"

static int __attribute__((noinline)) Dense(int x) {
  switch (x) {
    case 0:
      return 11;
    case 1:
      return 22;
    case 2:
      return 35;
    case 3:
      return 47;
    case 4:
      return 51;
    case 5:
      return 68;
    case 6:
      return 70;
    case 7:
      return 83;
    case 8:
      return 99;
    case 9:
      return 101;
    case 10:
      return 117;
    case 11:
      return 123;
    case 12:
      return 139;
    case 13:
      return 141;
    case 14:
      return 152;
    case 15:
      return 166;
    default:
      return -1;
  }
}
static const int kDenseValues[16] = {11, 22,  35,  47,  51,  68,  70,  83,
                                     99, 101, 117, 123, 139, 141, 152, 166};

// A switch on a char with gaps and fall-through.
static int __attribute__((noinline)) Classify(char c) {
  int score = 0;
  switch (c) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
      score += 100;
      // fall through
    case 'b':
    case 'c':
    case 'd':
      score += 10;
      break;
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
      score = c - '0';
      break;
    case ' ':
      score = -1;
      break;
    default:
      score = 1000;
  }
  return score;
}

static long Add(long a, long b) { return a + b; }
static long Sub(long a, long b) { return a - b; }
static long Mul(long a, long b) { return a * b; }
static long Max(long a, long b) { return a > b ? a : b; }
static long (*const kBinary[])(long, long) = {Add, Sub, Mul, Max};

struct Shape {
  const struct ShapeOps* ops;
  long a, b;
};
struct ShapeOps {
  long (*area)(const struct Shape*);
  long (*perimeter)(const struct Shape*);
};
static long RectArea(const struct Shape* s) { return s->a * s->b; }
static long RectPerimeter(const struct Shape* s) { return 2 * (s->a + s->b); }
static long SquareArea(const struct Shape* s) { return s->a * s->a; }
static long SquarePerimeter(const struct Shape* s) { return 4 * s->a; }
static const struct ShapeOps kRect = {RectArea, RectPerimeter};
static const struct ShapeOps kSquare = {SquareArea, SquarePerimeter};

// A stack machine with computed goto. Program: sum of i*i for i = n..1.
enum { OP_PUSH, OP_LOAD, OP_STORE, OP_DUP, OP_MUL, OP_ADD, OP_DEC, OP_JNZ, OP_HALT };
static long Interpret(const long* code, long n) {
  static void* const kDispatch[] = {&&push, &&load, &&store, &&dup, &&mul,
                                    &&add,  &&dec,  &&jnz,   &&halt};
  long stack[16], vars[4] = {n, 0, 0, 0};
  int sp = 0;
  const long* pc = code;
#define NEXT goto* kDispatch[*pc++]
  NEXT;
push:
  stack[sp++] = *pc++;
  NEXT;
load:
  stack[sp++] = vars[*pc++];
  NEXT;
store:
  vars[*pc++] = stack[--sp];
  NEXT;
dup:
  stack[sp] = stack[sp - 1];
  sp++;
  NEXT;
mul:
  sp--;
  stack[sp - 1] *= stack[sp];
  NEXT;
add:
  sp--;
  stack[sp - 1] += stack[sp];
  NEXT;
dec:
  stack[sp - 1]--;
  NEXT;
jnz : {
  long target = *pc++;
  if (stack[--sp] != 0) pc = code + target;
  NEXT;
}
halt:
  return vars[1];
#undef NEXT
}

// Indirect tail calls between functions chosen at run time (a trampoline-free
// state machine): each state returns through the next state's pointer.
typedef long (*State)(long n, long acc);
static long StateA(long n, long acc);
static long StateB(long n, long acc);
static long StateDone(long n, long acc) { return acc; }
static State volatile next_state[3] = {StateA, StateB, StateDone};
static long __attribute__((noinline)) StateA(long n, long acc) {
  return n == 0 ? next_state[2](n, acc) : next_state[1](n - 1, acc + 2);
}
static long __attribute__((noinline)) StateB(long n, long acc) {
  return n == 0 ? next_state[2](n, acc) : next_state[0](n - 1, acc * 3 % 1000003);
}

int main(void) {
  long sum = 0;
  for (int round = 0; round < 1000; round++) {
    for (int x = -2; x < 20; x++) {
      int v = Dense(x);
      CHECK(v == (x >= 0 && x < 16 ? kDenseValues[x] : -1));
      sum += v;
    }
  }
  printf("dense switch sum %ld\n", sum);
  CHECK_EQ(sum, 1000L * (1425 - 6));  // table sum 1425, six out-of-range -1s per round

  const char* text = "the quick brown fox 0123456789 jumps over a lazy dog";
  long score = 0;
  for (const char* p = text; *p; p++) score += Classify(*p);
  printf("classify score %ld\n", score);
  CHECK_EQ(Classify('a'), 110);
  CHECK_EQ(Classify('c'), 10);
  CHECK_EQ(Classify('7'), 7);
  CHECK_EQ(Classify('z'), 1000);

  long acc = 1;
  for (int i = 0; i < 40; i++) acc = kBinary[i % 4](acc, i + 1);
  printf("function pointer fold %ld\n", acc);

  struct Shape shapes[4] = {{&kRect, 3, 4}, {&kSquare, 5, 0}, {&kRect, 10, 1}, {&kSquare, 2, 0}};
  long area = 0, perimeter = 0;
  for (int i = 0; i < 4; i++) {
    area += shapes[i].ops->area(&shapes[i]);
    perimeter += shapes[i].ops->perimeter(&shapes[i]);
  }
  printf("shapes: area %ld perimeter %ld\n", area, perimeter);
  CHECK_EQ(area, 12 + 25 + 10 + 4);
  CHECK_EQ(perimeter, 14 + 20 + 22 + 8);

  // vars[0] = n (counter), vars[1] = sum.
  static const long kProgram[] = {OP_LOAD, 0,        OP_DUP, OP_MUL, OP_LOAD,  1,
                                  OP_ADD,  OP_STORE, 1,                            // sum += n*n
                                  OP_LOAD, 0,        OP_DEC, OP_DUP, OP_STORE, 0,  // n--
                                  OP_JNZ,  0,        OP_HALT};
  for (long n = 1; n <= 1000; n *= 10) {
    long r = Interpret(kProgram, n);
    printf("interpreter sum of squares 1..%ld = %ld\n", n, r);
    CHECK_EQ(r, n * (n + 1) * (2 * n + 1) / 6);
  }
  long big = Interpret(kProgram, 200000);
  CHECK_EQ(big, 200000L * 200001 * 400001 / 6);

  long sm = StateA(101, 1);
  printf("state machine %ld\n", sm);
  // 51 A-steps (+2) and 50 B-steps (*3 mod 1000003), alternating from A.
  long model = 1;
  for (int i = 0; i < 101; i++) model = (i % 2 == 0) ? model + 2 : model * 3 % 1000003;
  CHECK_EQ(sm, model);
  return GuestFinish();
}
