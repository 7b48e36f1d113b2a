// File I/O in the directory given as argv[1]: open/write/read/lseek,
// pread/pwrite, readv/writev, fstat/stat/statx sizes and modes, rename,
// links, ftruncate, fcntl flags, dup, pipes, unlink, rmdir, getcwd/chdir,
// readdir (getdents64) in sorted order, and errno values.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static int Cmp(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

int main(int argc, char** argv) {
  if (argc < 2 || chdir(argv[1]) != 0) return 2;
  umask(022);
  int fd = open("a.txt", O_CREAT | O_RDWR | O_TRUNC, 0640);
  printf("open fd>2: %d\n", fd > 2);
  printf("write: %zd\n", write(fd, "hello, file\n", 12));
  printf("lseek end: %ld\n", (long)lseek(fd, 0, SEEK_END));
  printf("lseek set: %ld\n", (long)lseek(fd, 7, SEEK_SET));
  char buf[64] = {0};
  printf("read: %zd '%s'\n", read(fd, buf, sizeof(buf) - 1), buf);
  printf("pwrite: %zd\n", pwrite(fd, "HELLO", 5, 0));
  memset(buf, 0, sizeof(buf));
  printf("pread: %zd '%.12s'\n", pread(fd, buf, 12, 0), buf);
  struct iovec iov[2] = {{"vec", 3}, {"tor\n", 4}};
  lseek(fd, 0, SEEK_END);
  printf("writev: %zd\n", writev(fd, iov, 2));
  char b1[5] = {0}, b2[8] = {0};
  struct iovec rv[2] = {{b1, 4}, {b2, 7}};
  lseek(fd, 0, SEEK_SET);
  printf("readv: %zd '%s' '%s'\n", readv(fd, rv, 2), b1, b2);

  struct stat st;
  printf("fstat: %d size %ld mode %o nlink %lu regular %d blksize>0 %d\n", fstat(fd, &st),
         (long)st.st_size, st.st_mode & 07777, (unsigned long)st.st_nlink, S_ISREG(st.st_mode),
         st.st_blksize > 0);
  printf("ftruncate: %d\n", ftruncate(fd, 3));
  printf("stat: %d size %ld\n", stat("a.txt", &st), (long)st.st_size);
  struct statx sx;
  printf("statx: %d size %llu mode %o\n", statx(AT_FDCWD, "a.txt", 0, STATX_BASIC_STATS, &sx),
         (unsigned long long)sx.stx_size, sx.stx_mode & 07777);
  int fl = fcntl(fd, F_GETFL);
  printf("F_GETFL rdwr %d append %d\n", (fl & O_ACCMODE) == O_RDWR, !!(fl & O_APPEND));
  fcntl(fd, F_SETFL, fl | O_APPEND);
  printf("F_SETFL append %d\n", !!(fcntl(fd, F_GETFL) & O_APPEND));
  printf("F_GETFD cloexec %d\n", fcntl(fd, F_GETFD));
  int fd2 = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  printf("F_DUPFD_CLOEXEC >=10 %d cloexec %d\n", fd2 >= 10, fcntl(fd2, F_GETFD));
  int fd3 = dup(fd);
  printf("dup differs %d\n", fd3 != fd);
  close(fd3);
  close(fd2);
  close(fd);

  {
    errno = 0;
    long r_ = (long)(open("missing", O_RDONLY));
    printf("open missing: %ld errno %d\n", r_, errno);
  }
  {
    errno = 0;
    long r_ = (long)(open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0600));
    printf("open excl: %ld errno %d\n", r_, errno);
  }
  printf("open dir as O_DIRECTORY: %d\n", (fd = open(".", O_RDONLY | O_DIRECTORY)) >= 0);
  close(fd);
  {
    errno = 0;
    long r_ = (long)(open("a.txt", O_RDONLY | O_DIRECTORY));
    printf("open file as O_DIRECTORY: %ld errno %d\n", r_, errno);
  }
  printf("symlink: %d\n", symlink("a.txt", "link"));
  {
    errno = 0;
    long r_ = (long)(open("link", O_RDONLY | O_NOFOLLOW));
    printf("O_NOFOLLOW on link: %ld errno %d\n", r_, errno);
  }
  char target[64] = {0};
  printf("readlink: %zd '%s'\n", readlink("link", target, sizeof(target)), target);
  printf("lstat link: %d\n", lstat("link", &st) == 0 && S_ISLNK(st.st_mode));
  printf("link: %d\n", link("a.txt", "hard"));
  stat("a.txt", &st);
  printf("nlink now %lu\n", (unsigned long)st.st_nlink);
  printf("rename: %d\n", rename("hard", "b.txt"));
  printf("mkdir: %d\n", mkdir("sub", 0755));
  {
    errno = 0;
    long r_ = (long)(mkdir("sub", 0755));
    printf("mkdir again: %ld errno %d\n", r_, errno);
  }
  stat("sub", &st);
  printf("sub is dir %d mode %o\n", S_ISDIR(st.st_mode), st.st_mode & 0777);
  printf("access a.txt R_OK %d X_OK %d\n", access("a.txt", R_OK), access("a.txt", X_OK) == 0);
  for (int i = 0; i < 5; ++i) {
    char name[32];
    snprintf(name, sizeof(name), "sub/f%d", 4 - i);
    close(open(name, O_CREAT | O_WRONLY, 0600));
  }
  DIR* d = opendir("sub");
  char* names[16];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL && n < 16) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof(names[0]), Cmp);
  printf("readdir:");
  for (int i = 0; i < n; ++i) printf(" %s", names[i]);
  printf("\n");
  {
    errno = 0;
    long r_ = (long)(rmdir("sub"));
    printf("rmdir nonempty: %ld errno %d\n", r_, errno);
  }
  for (int i = 0; i < 5; ++i) {
    char name[32];
    snprintf(name, sizeof(name), "sub/f%d", i);
    unlink(name);
  }
  printf("rmdir: %d\n", rmdir("sub"));
  char cwd[4096];
  printf("getcwd ends with dir: %d\n",
         getcwd(cwd, sizeof(cwd)) != NULL && strstr(cwd, argv[1] + (argv[1][0] == '/' ? 1 : 0)) != NULL);
  int p[2];
  printf("pipe2: %d\n", pipe2(p, O_CLOEXEC));
  write(p[1], "through a pipe", 14);
  memset(buf, 0, sizeof(buf));
  printf("pipe read: %zd '%s'\n", read(p[0], buf, sizeof(buf)), buf);
  printf("unlink: %d %d %d\n", unlink("a.txt"), unlink("b.txt"), unlink("link"));
  {
    errno = 0;
    long r_ = (long)(unlink("a.txt"));
    printf("unlink missing: %ld errno %d\n", r_, errno);
  }
  {
    errno = 0;
    long r_ = (long)(write(99, "x", 1));
    printf("bad fd: %ld errno %d\n", r_, errno);
  }
  {
    errno = 0;
    long r_ = (long)(write(1, (void*)16, 4));
    printf("bad pointer: %ld errno %d\n", r_, errno);
  }
  return 0;
}
