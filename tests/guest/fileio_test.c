// File I/O in a scratch directory under $TEST_TMPDIR (or /tmp): open/write/lseek/
// read, pread/pwrite, readv/writev, stat/fstat/fstatat, ftruncate, rename, unlink,
// mkdir/rmdir, symlink/readlink, dup/dup2, pipe, access, readdir and the raw
// getdents64 syscall, and stdio (fopen/fprintf/fgets/fseek/ftell). Only names
// relative to the scratch directory are printed, and the first fd number.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "guest_check.h"

static int CompareStrings(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

// Lists `dir` with readdir, sorted (directory order is file-system specific).
static void ListDir(const char* dir) {
  DIR* d = opendir(dir);
  CHECK(d != NULL);
  char* names[64];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL && n < 64) {
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], CompareStrings);
  printf("readdir:");
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

// Counts entries with the raw getdents64 syscall, in small buffers so that the
// kernel (or the emulator) must continue from d_off across calls.
static void CountWithGetdents(const char* dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  CHECK(fd >= 0);
  char buf[128] __attribute__((aligned(8)));
  int entries = 0, regular = 0, dirs = 0, calls = 0;
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
    CHECK(n >= 0);
    if (n <= 0) break;
    calls++;
    for (long off = 0; off < n;) {
      struct LinuxDirent64* e = (struct LinuxDirent64*)(buf + off);
      CHECK(e->d_reclen > 0 && e->d_reclen % 8 == 0);
      entries++;
      regular += e->d_type == DT_REG;
      dirs += e->d_type == DT_DIR;
      off += e->d_reclen;
    }
  }
  close(fd);
  printf("getdents64: %d entries, %d regular, %d dirs, more than one call: %d\n", entries, regular,
         dirs, calls > 1);
}

int main(void) {
  const char* base = getenv("TEST_TMPDIR");
  if (!base || !*base) base = "/tmp";
  umask(022);  // file modes below must not depend on the caller's umask
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/fileio.XXXXXX", base);
  CHECK(mkdtemp(dir) != NULL);
  CHECK(chdir(dir) == 0);

  // open/write/lseek/read.
  int fd = open("data.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
  CHECK(fd >= 0);
  // The lowest free number, as natively and under qemu-riscv64 (the output
  // is compared): dbt's own fds (code buffer, ring, translator socket)
  // must not take the guest's numbers.
  printf("first open: fd %d\n", fd);
  char block[1000];
  for (int i = 0; i < 1000; i++) block[i] = (char)(i * 7);
  for (int i = 0; i < 10; i++) CHECK_EQ(write(fd, block, sizeof block), 1000);
  CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10000);
  CHECK_EQ(lseek(fd, -500, SEEK_END), 9500);
  char back[1000];
  CHECK_EQ(read(fd, back, sizeof back), 500);  // short read at end of file
  CHECK(memcmp(back, block + 500, 500) == 0);
  CHECK_EQ(read(fd, back, sizeof back), 0);  // end of file
  CHECK_EQ(lseek(fd, 123, SEEK_SET), 123);
  CHECK_EQ(read(fd, back, 10), 10);
  CHECK(memcmp(back, block + 123, 10) == 0);
  CHECK_EQ(lseek(fd, 1 << 20, SEEK_SET), 1 << 20);  // a hole
  CHECK_EQ(write(fd, "end", 3), 3);
  CHECK_EQ(lseek(fd, -1, SEEK_SET), -1);
  CHECK_EQ(errno, EINVAL);

  // pread/pwrite do not move the offset.
  off_t cur = lseek(fd, 0, SEEK_CUR);
  CHECK_EQ(pwrite(fd, "XYZ", 3, 5000), 3);
  CHECK_EQ(pread(fd, back, 5, 4999), 5);
  CHECK(back[1] == 'X' && back[2] == 'Y' && back[3] == 'Z');
  CHECK_EQ(lseek(fd, 0, SEEK_CUR), cur);
  char hole[16];
  CHECK_EQ(pread(fd, hole, 16, 500000), 16);
  int zeros = 0;
  for (int i = 0; i < 16; i++) zeros += hole[i] == 0;
  CHECK_EQ(zeros, 16);

  // writev/readv.
  struct iovec wv[3] = {{"abc", 3}, {"", 0}, {"defgh", 5}};
  CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
  CHECK_EQ(writev(fd, wv, 3), 8);
  char r1[2], r2[6];
  struct iovec rv[2] = {{r1, 2}, {r2, 6}};
  CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
  CHECK_EQ(readv(fd, rv, 2), 8);
  CHECK(memcmp(r1, "ab", 2) == 0 && memcmp(r2, "cdefgh", 6) == 0);

  // stat/fstat/fstatat/ftruncate.
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  CHECK_EQ(st.st_size, (1 << 20) + 3);
  CHECK(S_ISREG(st.st_mode));
  CHECK_EQ(st.st_mode & 0777, 0644);
  CHECK(ftruncate(fd, 4096) == 0);
  CHECK(stat("data.bin", &st) == 0);
  CHECK_EQ(st.st_size, 4096);
  CHECK(fstatat(AT_FDCWD, "data.bin", &st, 0) == 0);
  CHECK_EQ(st.st_nlink, 1);
  printf("data.bin: size %lld, mode %o, blksize>0 %d\n", (long long)st.st_size,
         (unsigned)(st.st_mode & 07777), st.st_blksize > 0);

  // dup/dup2 share the file offset.
  int fd2 = dup(fd);
  CHECK(fd2 > fd);
  CHECK_EQ(lseek(fd, 100, SEEK_SET), 100);
  CHECK_EQ(lseek(fd2, 0, SEEK_CUR), 100);
  CHECK_EQ(dup2(fd, 100), 100);
  CHECK_EQ(lseek(100, 0, SEEK_CUR), 100);
  CHECK(close(100) == 0);
  CHECK(close(fd2) == 0);
  CHECK(close(fd) == 0);
  CHECK(close(fd) == -1 && errno == EBADF);

  // rename/unlink/access/errors.
  CHECK(rename("data.bin", "renamed.bin") == 0);
  CHECK(access("data.bin", F_OK) == -1 && errno == ENOENT);
  CHECK(access("renamed.bin", R_OK | W_OK) == 0);
  CHECK(open("missing/file", O_RDONLY) == -1 && errno == ENOENT);
  CHECK(open("renamed.bin", O_CREAT | O_EXCL | O_WRONLY, 0600) == -1 && errno == EEXIST);

  // mkdir, symlink/readlink, openat relative to a directory fd.
  CHECK(mkdir("sub", 0755) == 0);
  CHECK(mkdir("sub", 0755) == -1 && errno == EEXIST);
  int dfd = open("sub", O_RDONLY | O_DIRECTORY);
  CHECK(dfd >= 0);
  int inner = openat(dfd, "inner.txt", O_CREAT | O_WRONLY, 0600);
  CHECK(inner >= 0);
  CHECK_EQ(write(inner, "inner\n", 6), 6);
  close(inner);
  close(dfd);
  CHECK(symlink("renamed.bin", "link") == 0);
  char target[64] = {0};
  CHECK_EQ(readlink("link", target, sizeof target - 1), 11);
  printf("readlink: %s\n", target);
  CHECK(lstat("link", &st) == 0 && S_ISLNK(st.st_mode));
  CHECK(stat("link", &st) == 0 && S_ISREG(st.st_mode));

  // stdio.
  FILE* f = fopen("text.txt", "w");
  CHECK(f != NULL);
  for (int i = 0; i < 100; i++) fprintf(f, "line %d: %x %.3f\n", i, i * i, i / 7.0);
  CHECK(fclose(f) == 0);
  f = fopen("text.txt", "r+");
  char line[128];
  int lines = 0;
  uint64_t hash = FNV_INIT;
  while (fgets(line, sizeof line, f)) {
    lines++;
    hash = Fnv1a(hash, line, strlen(line));
  }
  CHECK_EQ(lines, 100);
  long size = ftell(f);
  CHECK(fseek(f, 0, SEEK_SET) == 0);
  CHECK(fgets(line, sizeof line, f) != NULL);
  printf("text.txt: %d lines, %ld bytes, hash %016llx, first: %s", lines, size,
         (unsigned long long)hash, line);
  CHECK(fseek(f, 0, SEEK_END) == 0);
  fputs("appended\n", f);
  fclose(f);
  CHECK(stat("text.txt", &st) == 0);
  CHECK_EQ(st.st_size, size + 9);

  // A pipe within the process.
  int p[2];
  CHECK(pipe(p) == 0);
  CHECK_EQ(write(p[1], "through a pipe", 14), 14);
  close(p[1]);
  char pbuf[32] = {0};
  CHECK_EQ(read(p[0], pbuf, sizeof pbuf), 14);
  CHECK_EQ(read(p[0], pbuf, sizeof pbuf), 0);
  close(p[0]);
  printf("pipe: %s\n", pbuf);

  // Many files, then list the directory two ways.
  for (int i = 0; i < 20; i++) {
    char name[32];
    snprintf(name, sizeof name, "f%02d", i);
    int t = open(name, O_CREAT | O_WRONLY, 0644);
    CHECK(t >= 0);
    close(t);
  }
  ListDir(".");
  CountWithGetdents(".");

  // Clean up: everything must go, and the directory must be removable.
  char cwd[4096];
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  CHECK(strcmp(cwd, dir) == 0 || strstr(cwd, "fileio.") != NULL);
  for (int i = 0; i < 20; i++) {
    char name[32];
    snprintf(name, sizeof name, "f%02d", i);
    CHECK(unlink(name) == 0);
  }
  CHECK(unlink("sub/inner.txt") == 0);
  CHECK(rmdir("sub") == 0);
  CHECK(unlink("link") == 0);
  CHECK(unlink("renamed.bin") == 0);
  CHECK(unlink("text.txt") == 0);
  CHECK(unlink("text.txt") == -1 && errno == ENOENT);
  ListDir(".");
  CHECK(chdir("..") == 0);
  CHECK(rmdir(dir) == 0);
  return GuestFinish();
}
