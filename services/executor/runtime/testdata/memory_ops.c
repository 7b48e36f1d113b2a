// mmap/munmap/mprotect/mremap/madvise/brk as a program sees them.
// (linux_semantics.c has the cases where qemu-riscv64 differs from Linux.)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  printf("page size %ld\n", page);
  char* a = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("mmap ok %d aligned %d zero %d\n", a != MAP_FAILED, ((uintptr_t)a % page) == 0,
         a[0] == 0 && a[3 * page - 1] == 0);
  memset(a, 'x', 3 * page);
  printf("munmap middle %d\n", munmap(a + page, page));
  {
    errno = 0;
    long r_ = (long)(mprotect(a + page, 2 * page, PROT_READ));
    printf("mprotect hole %ld errno %d\n", r_, errno);
  }
  char* b = mremap(a, page, 4 * page, MREMAP_MAYMOVE);
  printf("mremap ok %d kept %d new zero %d\n", b != MAP_FAILED, b[page - 1] == 'x', b[page] == 0);
  printf("mremap shrink same %d\n", mremap(b, 4 * page, 2 * page, 0) == b);
  memset(b, 'y', 2 * page);
  printf("madvise dontneed %d zero %d\n", madvise(b, page, MADV_DONTNEED), b[10] == 0);
  printf("still y %d\n", b[page + 10] == 'y');
  char* fixed = mmap(b, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  printf("MAP_FIXED same %d zero %d\n", fixed == b, b[0] == 0);
  {
    errno = 0;
    long r_ = (long)(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
    printf("mmap len 0: %ld errno %d\n", r_, errno);
  }
  {
    errno = 0;
    long r_ = (long)(munmap(b + 1, page));
    printf("munmap unaligned: %ld errno %d\n", r_, errno);
  }
  void* cur = sbrk(0);
  printf("sbrk grow %d\n", sbrk(3 * page) == cur);
  memset(cur, 1, 3 * page);
  printf("sbrk shrink %d now %d\n", sbrk(-2 * page) != (void*)-1, sbrk(0) == (char*)cur + page);
  // A file mapping: private writes stay private.
  char path[] = "/tmp/memory_opsXXXXXX";
  int fd = mkstemp(path);
  write(fd, "file contents", 13);
  char* f = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  printf("file map '%.13s'\n", f);
  f[0] = 'F';
  char c;
  pread(fd, &c, 1, 0);
  printf("private write not in file: %c %c\n", f[0], c);
  char* s = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  s[1] = 'I';
  pread(fd, &c, 1, 1);
  printf("shared write in file: %c\n", c);
  unlink(path);
  // /proc/self/maps describes this program.
  FILE* maps = fopen("/proc/self/maps", "r");
  char line[512];
  int stack = 0;
  while (maps && fgets(line, sizeof(line), maps)) stack |= strstr(line, "[stack]") != NULL;
  printf("maps: stack %d\n", stack);
  return 0;
}
