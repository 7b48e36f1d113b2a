// argv, envp and the auxiliary vector as the program sees them at entry. The
// runner must pass argv unchanged (including empty and space-containing
// arguments), the environment (the harness runs both runners under `env -i` with
// fixed variables), and an auxv with the page size, hwcap, a 16-byte AT_RANDOM,
// the program headers and the entry point. argv[0] is printed as its basename.
// The environment is printed sorted: qemu-user 7.2 hands it to the guest in
// reverse order, where Linux keeps the order, so the order is no oracle.
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "guest_check.h"

extern char** environ;
extern char _start[];

static int CompareStrings(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

int main(int argc, char** argv, char** envp) {
  const char* base = strrchr(argv[0], '/');
  printf("argc %d\nargv[0] basename %s\n", argc, base ? base + 1 : argv[0]);
  for (int i = 1; i < argc; i++)
    printf("argv[%d] = [%s] (%zu bytes)\n", i, argv[i], strlen(argv[i]));
  CHECK(argv[argc] == NULL);
  int n = 0;
  while (envp[n]) n++;
  char** sorted = calloc((size_t)n + 1, sizeof *sorted);
  memcpy(sorted, envp, (size_t)n * sizeof *sorted);
  qsort(sorted, (size_t)n, sizeof *sorted, CompareStrings);
  printf("%d environment variables\n", n);
  for (int i = 0; i < n; i++) printf("env: [%s]\n", sorted[i]);
  free(sorted);
  CHECK(environ == envp);
  const char* home = getenv("HOME");
  printf("getenv(HOME) = %s, getenv(UNSET_VARIABLE) = %s\n", home ? home : "(null)",
         getenv("UNSET_VARIABLE") ? "set" : "(null)");
  CHECK(setenv("NEW_VARIABLE", "value", 1) == 0);
  CHECK(strcmp(getenv("NEW_VARIABLE"), "value") == 0);

  // The auxiliary vector.
  unsigned long hwcap = getauxval(AT_HWCAP);
  printf("AT_PAGESZ %lu\n", getauxval(AT_PAGESZ));
  CHECK_EQ(getauxval(AT_PAGESZ), 4096);
  printf("AT_HWCAP %#lx:", hwcap);
  for (int bit = 0; bit < 26; bit++) {
    if (hwcap & (1ul << bit)) printf(" %c", 'A' + bit);
  }
  printf("\n");
  // RV64GC: I, M, A, F, D and C must be reported (Linux sets one bit per letter).
  const unsigned long kImafdc = 1ul << ('I' - 'A') | 1ul << ('M' - 'A') | 1ul << ('A' - 'A') |
                                1ul << ('F' - 'A') | 1ul << ('D' - 'A') | 1ul << ('C' - 'A');
  CHECK_EQ(hwcap & kImafdc, kImafdc);
  const unsigned char* random_bytes = (const unsigned char*)getauxval(AT_RANDOM);
  CHECK(random_bytes != NULL);
  CHECK_EQ(getauxval(AT_ENTRY), (uintptr_t)_start);
  const Elf64_Phdr* phdr = (const Elf64_Phdr*)getauxval(AT_PHDR);
  unsigned long phnum = getauxval(AT_PHNUM);
  CHECK(phdr != NULL && phnum > 0);
  CHECK_EQ(getauxval(AT_PHENT), sizeof(Elf64_Phdr));
  int loads = 0;
  for (unsigned long i = 0; i < phnum; i++) loads += phdr[i].p_type == PT_LOAD;
  printf("AT_PHNUM %lu with %d PT_LOAD\n", phnum, loads);
  CHECK(loads >= 1);
  printf("AT_UID==AT_EUID %d, AT_GID==AT_EGID %d, AT_SECURE %lu\n",
         getauxval(AT_UID) == getauxval(AT_EUID), getauxval(AT_GID) == getauxval(AT_EGID),
         getauxval(AT_SECURE));
  const char* execfn = (const char*)getauxval(AT_EXECFN);
  CHECK(execfn != NULL && strcmp(execfn, argv[0]) == 0);
  return GuestFinish();
}
