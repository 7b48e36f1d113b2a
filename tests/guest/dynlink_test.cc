// What a dynamically linked program needs of its loader: a library of its
// own found through RUNPATH ($ORIGIN), an exception thrown in that library
// and caught here, thread_local storage in the library from several
// threads, dlopen/dlsym of the library and of libm, IFUNC- and
// version-resolved libc calls (memcpy, strlen, printf), and lazy binding.
#include <dlfcn.h>
#include <string.h>

#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

int ThrowingDivide(int a, int b);
int BumpTls();

int main() {
  try {
    std::printf("10/2=%d\n", ThrowingDivide(10, 2));
    std::printf("1/0=%d\n", ThrowingDivide(1, 0));
  } catch (const std::invalid_argument& e) {
    std::printf("caught from the library: %s\n", e.what());
  }
  std::vector<int> last(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&last, i] {
      int v = 0;
      for (int k = 0; k <= i; ++k) v = BumpTls();
      last[i] = v;
    });
  }
  for (auto& t : threads) t.join();
  std::printf("tls per thread: %d %d %d %d, main %d\n", last[0], last[1], last[2], last[3],
              BumpTls());
  void* self_lib = dlopen("libdynlib.so", RTLD_NOW);
  auto answer = self_lib ? reinterpret_cast<int (*)()>(dlsym(self_lib, "dynlib_answer")) : nullptr;
  std::printf("dlopen libdynlib.so: %s, answer %d\n", self_lib ? "ok" : dlerror(),
              answer ? answer() : -1);
  void* libm = dlopen("libm.so.6", RTLD_LAZY);
  auto cosine = libm ? reinterpret_cast<double (*)(double)>(dlsym(libm, "cos")) : nullptr;
  std::printf("dlopen libm: %s, cos(0)=%.3f\n", libm ? "ok" : dlerror(), cosine ? cosine(0) : -1);
  std::printf("dlopen missing: %s\n", dlopen("libnot-there.so", RTLD_NOW) ? "found?" : "refused");
  char buf[64];
  memcpy(buf, "a dynamically linked memcpy", 28);
  std::printf("%s (%zu)\n", buf, strlen(buf));
  return 0;
}
