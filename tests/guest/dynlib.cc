// A shared library of the dynamic-linking test (dynlink_test.cc): an
// exception thrown here is caught in the program, a thread_local lives here
// (TLS in a shared object), and the program also finds it with dlopen.
#include <stdexcept>

int ThrowingDivide(int a, int b) {
  if (b == 0) throw std::invalid_argument("divide by zero in libdynlib");
  return a / b;
}

thread_local int tls_counter = 0;

int BumpTls() { return ++tls_counter; }

extern "C" int dynlib_answer() { return 42; }
