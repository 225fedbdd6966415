#pragma once
// Fork-join pool for the CPU kernels. Work is cut into chunks that threads claim one at a time, so a helper that the
// OS has descheduled (other processes share the cores) never holds the caller up: the caller runs whatever is left
// and waits only for chunks already claimed. Helpers spin briefly between tasks (kernels come microseconds apart)
// and then sleep, so an idle pool costs no CPU. The same pool runs the kernel benchmark and the real transformer,
// so dispatch costs are measured where they are paid.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace llmsim::bench {

// Non-owning reference to a callable (no allocation per dispatch, unlike std::function).
template <typename Sig>
class FunctionRef;
template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
  public:
    template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef>>>
    FunctionRef(F&& f)  // NOLINT(google-explicit-constructor): used like a function parameter type
        : obj_(const_cast<void*>(static_cast<const void*>(&f))), call_([](void* o, Args... a) -> R {
              return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<Args>(a)...);
          }) {}
    R operator()(Args... a) const { return call_(obj_, std::forward<Args>(a)...); }

  private:
    void* obj_;
    R (*call_)(void*, Args...);
};

class ThreadPool {
  public:
    // `threads` workers in total, the calling thread included (>= 1).
    explicit ThreadPool(int32_t threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    [[nodiscard]] int32_t threads() const { return threads_; }

    // Splits [0, n) into about two ranges per worker, boundaries at multiples of `grain`.
    void parallel_for(int64_t n, int64_t grain, FunctionRef<void(int64_t, int64_t)> body);
    // Hands out items 0..n-1 one at a time (uneven item costs, e.g. attention heads of different lengths).
    void parallel_items(int64_t n, FunctionRef<void(int64_t, int32_t)> body);

  private:
    // Runs chunk(index, worker) for index 0..chunks-1 on whichever workers claim them.
    void run_chunks(int64_t chunks, FunctionRef<void(int64_t, int32_t)> chunk);
    void claim_and_run(uint64_t generation, int32_t worker);
    void worker_loop(int32_t index);
    void wake_helpers();

    int32_t threads_;
    std::vector<std::thread> helpers_;
    // (generation << 40) | (chunks << 20) | next chunk: a claim succeeds only for the current task.
    std::atomic<uint64_t> state_{0};
    std::atomic<uint64_t> wake_{0};  // bumped per task
    std::atomic<int32_t> sleepers_{0};
    std::mutex sleep_mutex_;  // sleeping helpers wait on sleep_cv_ (std::atomic::wait misses wake-ups in GCC 12)
    std::condition_variable sleep_cv_;
    std::atomic<int64_t> completed_{0};
    std::atomic<bool> stop_{false};
    FunctionRef<void(int64_t, int32_t)>* task_ = nullptr;
    uint64_t generation_ = 0;
    uint32_t caller_float_mode_ = 0;  // the creating thread's mode, restored on destruction
};

}  // namespace llmsim::bench
