#include "store/internal/process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace cg::store::internal {

Status RunProgram(const std::vector<std::string>& argv) {
  if (argv.empty()) return MakeError(ErrorCode::kInternal, "no program");
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return MakeError(ErrorCode::kUnavailable, std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(err_pipe[0]);
    return MakeError(ErrorCode::kUnavailable, "cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  std::string err;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(err_pipe[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    err.append(buf, static_cast<std::size_t>(n));
    if (err.size() > 16384) err.erase(0, err.size() - 16384);
  }
  ::close(err_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
  if (err.size() > 2000) err = "…" + err.substr(err.size() - 2000);
  return MakeError(ErrorCode::kUnavailable,
                   argv[0] + (WIFEXITED(status) ? " exited with " + std::to_string(WEXITSTATUS(status))
                                                : std::string(" was killed")) +
                       (err.empty() ? "" : ": " + err));
}

Status CreatePrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return MakeError(errno == EEXIST ? ErrorCode::kConflict : ErrorCode::kUnavailable,
                     path + (errno == EEXIST ? " exists already" : ": " + std::string(std::strerror(errno))));
  }
  ::close(fd);
  return {};
}

}  // namespace cg::store::internal
