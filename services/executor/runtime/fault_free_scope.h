// Host code during which a SIGSEGV/SIGBUS can only be a dbt bug: code that
// holds a runtime lock (the guest memory lock, the JIT's TB lock). A guest
// fault there could neither be unwound (the siglongjmp out of the engine
// would leave the lock held) nor handled (the code-page write handler takes
// the memory lock itself), so the fault handler lets the process die with
// an honest core instead. Guest stores never run inside such a scope: the
// locks are held by the runtime and the translator, never by guest code.
#ifndef DBT_SERVICES_EXECUTOR_RUNTIME_FAULT_FREE_SCOPE_H_
#define DBT_SERVICES_EXECUTOR_RUNTIME_FAULT_FREE_SCOPE_H_

namespace dbt::executor {

class FaultFreeScope {
 public:
  FaultFreeScope() { ++depth_; }
  ~FaultFreeScope() { --depth_; }
  FaultFreeScope(const FaultFreeScope&) = delete;
  FaultFreeScope& operator=(const FaultFreeScope&) = delete;

  // True when the calling thread is inside one (read by the fault handler).
  static bool Active() { return depth_ != 0; }

 private:
  static inline thread_local int depth_ = 0;
};

}  // namespace dbt::executor

#endif  // DBT_SERVICES_EXECUTOR_RUNTIME_FAULT_FREE_SCOPE_H_
