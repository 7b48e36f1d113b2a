// Prints its initial stack as the kernel built it: argc, argv, envp and the
// auxv entries whose values do not depend on where the stack is.
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

static int Cmp(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

int main(int argc, char** argv, char** envp) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  // Sorted: qemu-riscv64 hands the environment over in reverse order.
  char** p = envp;
  for (; *p != NULL; ++p) {
  }
  char* sorted[256];
  int n = 0;
  for (char** e = envp; *e != NULL && n < 256; ++e) sorted[n++] = *e;
  qsort(sorted, n, sizeof(sorted[0]), Cmp);
  for (int i = 0; i < n; ++i) printf("env=%s\n", sorted[i]);
  printf("argv_aligned16=%d\n", (int)(((unsigned long)(argv - 1)) % 16 == 0));
  for (Elf64_auxv_t* a = (Elf64_auxv_t*)(p + 1); a->a_type != AT_NULL; ++a) {
    switch (a->a_type) {
      case AT_RANDOM:
        printf("auxv %lu nonnull=%d\n", a->a_type, a->a_un.a_val != 0);
        break;
      case AT_EXECFN:
        printf("auxv %lu execfn=%s\n", a->a_type, (const char*)a->a_un.a_val);
        break;
      default:
        printf("auxv %lu 0x%lx\n", a->a_type, a->a_un.a_val);
    }
  }
  // AT_PHDR must point at this program's own program headers.
  const Elf64_Phdr* ph = (const Elf64_Phdr*)getauxval(AT_PHDR);
  int phnum = (int)getauxval(AT_PHNUM), loads = 0;
  for (int i = 0; i < phnum; ++i) loads += ph[i].p_type == PT_LOAD;
  printf("pt_load_count=%d\n", loads);
  return 0;
}
